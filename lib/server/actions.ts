'use server';

import 'server-only';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { safeReturnTo } from '../shared/return-to';
import { refuseCrossSiteAction } from './http/same-origin';
import * as allSessions from './lists/all-sessions';
import * as mySessions from './lists/my-sessions';
import { confirmPath, performPendingAction, readPendingAction } from './step-up/pending-action';
import { confirmPresence } from './step-up/reauth';
import { providerUser } from './oidc/accounts';
import { getSession } from './session/session';
import { attemptSignIn, clientInfo } from './sign-in/sign-in';
import { SCRIPTED_FIELD, WRONG_PASSWORD, type ConfirmState, type PendingAction, type SensitiveState } from '../shared/reauth-state';
import { SIGN_IN_MESSAGES, SignInBody, SignInForm, throttledMessage, type SignInState } from '../shared/sign-in-input';

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
  const message = result.reason === 'throttled' ? throttledMessage(result.retryAfterS) : SIGN_IN_MESSAGES.wrongCredentials;
  return { errors: { formErrors: [message], fieldErrors: {} }, values };
}

/**
 * A sensitive action that needs the password first: with scripts the form asks in a dialog and then sends
 * the action again; without, the browser goes to the page that asks and then does the action.
 */
async function askFirst(previous: SensitiveState, form: FormData, action: PendingAction, returnTo: string): Promise<SensitiveState> {
  // A person who signed in through the OpenID provider confirms there, away from the page: the page that asks sends them.
  if (form.get(SCRIPTED_FIELD) === '1' && !(await signedInThroughProvider())) return { asks: previous.asks + 1 };
  redirect(confirmPath(action, returnTo));
}

async function signedInThroughProvider(): Promise<boolean> {
  const read = await getSession();
  return read.ok && providerUser(read.value.user.username) !== undefined;
}

/** "Sign out other sessions": ends every session of this user but the one making the request. */
export async function signOutOtherSessions(previous: SensitiveState, form: FormData): Promise<SensitiveState> {
  await refuseCrossSiteAction();
  const ended = await mySessions.signOutOtherSessions();
  if (!ended.ok && ended.reason === 'reauthenticate') return askFirst(previous, form, { then: 'sign-out-others' }, '/dashboard');
  if (!ended.ok && ended.reason === 'no-session') redirect('/login?returnTo=%2Fdashboard');
  revalidatePath('/dashboard');
  return previous;
}

const EndSessionForm = z.object({ sessionId: z.uuid() });

/** An administrator ends any one session; its tabs go to the login page with reason=ended-by-admin at their next request. */
export async function endSessionAsAdmin(previous: SensitiveState, form: FormData): Promise<SensitiveState> {
  await refuseCrossSiteAction();
  const parsed = EndSessionForm.safeParse({ sessionId: form.get('sessionId') });
  if (!parsed.success) return previous;
  const ended = await allSessions.endSessionAsAdmin(parsed.data.sessionId);
  if (!ended.ok && ended.reason === 'reauthenticate') {
    return askFirst(previous, form, { then: 'end-session', sessionId: parsed.data.sessionId }, '/admin/sessions');
  }
  if (!ended.ok && ended.reason !== 'no-records') redirect(ended.reason === 'forbidden' ? '/dashboard' : '/login?returnTo=%2Fadmin%2Fsessions');
  revalidatePath('/admin/sessions');
  return previous;
}

const ConfirmForm = z.object({
  password: SignInBody.shape.password,
  // "dialog": the page stays and sends its action again; "page": the action named in the form is done here.
  mode: z.enum(['dialog', 'page']),
  returnTo: z.unknown().transform((value) => safeReturnTo(value)),
});

/**
 * "Confirm it's you": the password of the signed-in user, behind the sign-in throttle. A wrong or missing
 * password comes back as the form's state, GOV.UK's way; a success either tells the dialog (which sends
 * the user's action again) or, on the page of its own, does the pending action and goes back.
 */
export async function confirmPresenceAction(previous: ConfirmState, form: FormData): Promise<ConfirmState> {
  await refuseCrossSiteAction();
  const parsed = ConfirmForm.safeParse({ password: form.get('password'), mode: form.get('mode'), returnTo: form.get('returnTo') });
  if (!parsed.success) {
    const message = z.flattenError(parsed.error).fieldErrors.password?.[0] ?? SIGN_IN_MESSAGES.passwordMissing;
    return { ...previous, errors: { password: message } };
  }
  const { password, mode, returnTo } = parsed.data;
  const outcome = await confirmPresence(password, clientInfo(await headers()));
  if (!outcome.ok) {
    if (outcome.reason === 'no-session') redirect(`/login?${new URLSearchParams({ returnTo })}`);
    if (outcome.reason === 'throttled') return { ...previous, errors: { attempt: throttledMessage(outcome.retryAfterS) } };
    return { ...previous, errors: { password: WRONG_PASSWORD } };
  }
  if (mode === 'dialog') return { errors: null, confirmed: previous.confirmed + 1 };
  const pending = readPendingAction((name) => form.get(name));
  if (pending) await performPendingAction(pending);
  redirect(returnTo);
}
