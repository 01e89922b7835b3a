import { z } from 'zod';
import { handle, json, readJson } from '@/lib/http';
import { clearSessionCookie, getSession, signIn, toStatus } from '@/lib/session';
import { verifyCredentials } from '@/lib/users';

const SignInBody = z.object({
  username: z.string().trim().min(1, 'is required').max(100, 'is too long'),
  password: z.string().min(1, 'is required').max(200, 'is too long'),
  remember: z.boolean().optional().default(false),
});

/** Status. Reading never extends the session. */
export const GET = handle(async () => {
  const read = await getSession();
  if (read.active) return json(toStatus(read.session, read.now));
  if (read.reason !== 'none') await clearSessionCookie();
  return json({ authenticated: false, reason: read.reason }, 401);
});

/** Sign in. */
export const POST = handle(async (request: Request) => {
  const { username, password, remember } = await readJson(request, SignInBody);
  const user = await verifyCredentials(username, password);
  if (!user) return json({ error: 'Wrong username or password' }, 401);
  return json(await signIn(user, remember));
});

/** Sign out. Idempotent: signing out twice, or without a session, is still a success. */
export const DELETE = handle(async () => {
  await clearSessionCookie();
  return json({ authenticated: false, reason: 'signed-out' });
});
