'use server';

import 'server-only';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { safeReturnTo } from '../shared/return-to';
import { refuseCrossSiteAction } from './same-origin';
import { revokeSession } from './all-sessions';
import { endMyOtherSessions } from './my-sessions';
import { attemptSignIn, clientInfo } from './sign-in';
import { SIGN_IN_MESSAGES, SignInForm, throttledMessage, type SignInState } from '../shared/sign-in-input';

/**
 * The forms' server actions. They work without JavaScript too: the browser posts the form, the action
 * does its work and redirects. Each first refuses a cross-site post, by the route handlers' rule.
 */

/**
 * The login form's action, checked by the same schema and answered with the same messages as
 * `POST /api/session`. A failure comes back as the form's state (rendered on the server when the form
 * was posted without JavaScript); a success redirects.
 */
export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  await refuseCrossSiteAction();
  const typed = form.get('username');
  const values = { username: typeof typed === 'string' ? typed.slice(0, 100) : '', remember: form.get('remember') === 'on' };
  const parsed = SignInForm.safeParse({
    username: typed,
    password: form.get('password'),
    remember: form.get('remember'),
    returnTo: form.get('returnTo'),
  });
  if (!parsed.success) return { errors: z.flattenError(parsed.error), values };

  const { returnTo, ...input } = parsed.data;
  const result = await attemptSignIn(input, clientInfo(await headers()));
  if (result.ok) redirect(safeReturnTo(returnTo));
  const message = result.kind === 'throttled' ? throttledMessage(result.retryAfterS) : SIGN_IN_MESSAGES.wrongCredentials;
  return { errors: { formErrors: [message], fieldErrors: {} }, values };
}

/** "Sign out other sessions": ends every session of this user but the one making the request. */
export async function signOutOtherSessions(): Promise<void> {
  await refuseCrossSiteAction();
  const ended = await endMyOtherSessions();
  if (!ended.ok && ended.reason === 'signed-out') redirect('/login?returnTo=%2Fdashboard');
  revalidatePath('/dashboard');
}

const RevokeForm = z.object({ sessionId: z.uuid() });

/** An administrator ends any one session; its tabs go to the login page with reason=revoked at their next request. */
export async function endSessionAsAdmin(form: FormData): Promise<void> {
  await refuseCrossSiteAction();
  const parsed = RevokeForm.safeParse({ sessionId: form.get('sessionId') });
  if (!parsed.success) return;
  const revoked = await revokeSession(parsed.data.sessionId);
  if (!revoked.ok && revoked.reason !== 'no-records') redirect(revoked.reason === 'forbidden' ? '/dashboard' : '/login?returnTo=%2Fadmin%2Fsessions');
  revalidatePath('/admin/sessions');
}
