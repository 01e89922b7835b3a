import type { NextRequest } from 'next/server';
import { handle, json, readJson } from '@/lib/http';
import { assertSameOrigin } from '@/lib/same-origin';
import { clearSessionCookie, endSession, getSession, toStatus } from '@/lib/session';
import { attemptSignIn, clientInfo } from '@/lib/sign-in';
import { SIGN_IN_MESSAGES, SignInBody, throttledMessage } from '@/lib/sign-in-input';

/** Status. Reading never extends the session. */
export const GET = handle(async (request: NextRequest) => {
  const read = await getSession(request.cookies);
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
    return json({ error: throttledMessage(result.retryAfterS), retryAfterS: result.retryAfterS }, 429, { 'Retry-After': String(result.retryAfterS) });
  }
  return json({ error: SIGN_IN_MESSAGES.wrongCredentials }, 401);
});

/** Sign out: ends the session's record, so no copy of the cookie works again. Idempotent. */
export const DELETE = handle(async (request: Request) => {
  assertSameOrigin(request);
  await endSession();
  return json({ authenticated: false, reason: 'signed-out' });
});
