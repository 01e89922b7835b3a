import { z } from 'zod';
import { handle, json, readJson } from '@/lib/http';
import { assertSameOrigin } from '@/lib/same-origin';
import { clearSessionCookie, endSession, getSession, toStatus } from '@/lib/session';
import { attemptSignIn, clientInfo } from '@/lib/sign-in';

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
  assertSameOrigin(request);
  const body = await readJson(request, SignInBody);
  const result = await attemptSignIn(body, clientInfo(request.headers));
  if (result.ok) return json(result.status);
  if (result.kind === 'throttled') {
    const error = `Too many failed sign-in attempts. Try again in ${result.retryAfterS} seconds.`;
    return json({ error, retryAfterS: result.retryAfterS }, 429, { 'Retry-After': String(result.retryAfterS) });
  }
  return json({ error: 'Wrong username or password' }, 401);
});

/** Sign out: ends the session's record, so no copy of the cookie works again. Idempotent. */
export const DELETE = handle(async (request: Request) => {
  assertSameOrigin(request);
  await endSession();
  return json({ authenticated: false, reason: 'signed-out' });
});
