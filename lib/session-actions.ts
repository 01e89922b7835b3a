'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { formatDuration } from './duration';
import { safeReturnTo } from './return-to';
import { refuseCrossSiteAction } from './same-origin';
import { endMyOtherSessions, revokeSession } from './session-admin';
import { attemptSignIn, clientInfo } from './sign-in';

/**
 * The forms' server actions. They work without JavaScript too: the browser posts the form, the action
 * does its work and redirects. Each first refuses a cross-site post, by the route handlers' rule.
 */

export interface SignInState {
  error: string | null;
  username: string;
}

const SignInForm = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
  remember: z.literal('on').nullable(),
  returnTo: z.string().nullable(),
});

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  await refuseCrossSiteAction();
  const typed = form.get('username');
  const username = typeof typed === 'string' ? typed.slice(0, 100) : '';
  const parsed = SignInForm.safeParse({ username: typed, password: form.get('password'), remember: form.get('remember'), returnTo: form.get('returnTo') });
  if (!parsed.success) return { error: 'Enter your username and password.', username };

  const { remember, returnTo, ...credentials } = parsed.data;
  const result = await attemptSignIn({ ...credentials, remember: remember === 'on' }, clientInfo(await headers()));
  if (result.ok) redirect(safeReturnTo(returnTo));
  if (result.kind === 'throttled') return { error: `Too many failed attempts. Try again in ${formatDuration(result.retryAfterS * 1000)}.`, username };
  return { error: 'Wrong username or password.', username };
}

/** "Sign out other sessions": ends every session of this user but the one making the request. */
export async function signOutOtherSessions(): Promise<void> {
  await refuseCrossSiteAction();
  const ended = await endMyOtherSessions();
  if (ended === undefined) redirect('/login?returnTo=%2Fdashboard');
  revalidatePath('/dashboard');
}

const RevokeForm = z.object({ sessionId: z.uuid() });

/** An administrator ends any one session; its tabs go to the login page with reason=revoked at their next request. */
export async function endSessionAsAdmin(form: FormData): Promise<void> {
  await refuseCrossSiteAction();
  const parsed = RevokeForm.safeParse({ sessionId: form.get('sessionId') });
  if (!parsed.success) return;
  const access = await revokeSession(parsed.data.sessionId);
  if (!access.ok) redirect(access.reason === 'forbidden' ? '/dashboard' : '/login?returnTo=%2Fadmin%2Fsessions');
  revalidatePath('/admin/sessions');
}
