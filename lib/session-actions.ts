'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { endMyOtherSessions, revokeSession } from './session-admin';

// Server actions: Next refuses them when the Origin does not match the host, so they need no check of their own.

/** "Sign out other sessions": ends every session of this user but the one making the request. */
export async function signOutOtherSessions(): Promise<void> {
  const ended = await endMyOtherSessions();
  if (ended === undefined) redirect('/login?returnTo=%2Fdashboard');
  revalidatePath('/dashboard');
}

const RevokeForm = z.object({ sessionId: z.uuid() });

/** An administrator ends any one session; its tabs go to the login page with reason=revoked at their next request. */
export async function endSessionAsAdmin(form: FormData): Promise<void> {
  const parsed = RevokeForm.safeParse({ sessionId: form.get('sessionId') });
  if (!parsed.success) return;
  const access = await revokeSession(parsed.data.sessionId);
  if (!access.ok) redirect(access.reason === 'forbidden' ? '/dashboard' : '/login?returnTo=%2Fadmin%2Fsessions');
  revalidatePath('/admin/sessions');
}
