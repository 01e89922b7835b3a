'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { safeReturnTo } from './return-to';
import { clearSessionCookie, signIn } from './session';
import { verifyCredentials } from './users';

/**
 * The forms' server actions. They work without JavaScript too: the browser posts the form, the action
 * sets or clears the cookie and redirects (Next checks the Origin of every action request).
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
  const parsed = SignInForm.safeParse({
    username: form.get('username'),
    password: form.get('password'),
    remember: form.get('remember'),
    returnTo: form.get('returnTo'),
  });
  const username = typeof form.get('username') === 'string' ? String(form.get('username')).slice(0, 100) : '';
  if (!parsed.success) return { error: 'Enter your username and password.', username };

  const user = await verifyCredentials(parsed.data.username, parsed.data.password);
  if (!user) return { error: 'Wrong username or password.', username };
  await signIn(user, parsed.data.remember === 'on');
  redirect(safeReturnTo(parsed.data.returnTo));
}

/** Without JavaScript the Sign out button posts here; with it, the timer signs out (and tells the other tabs). */
export async function signOutAction(): Promise<void> {
  await clearSessionCookie();
  redirect('/login?reason=signed-out');
}
