import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { handle, HttpError, json, noSession, readJson } from '@/lib/server/http/respond';
import { appOrigin } from '@/lib/server/oidc/app-origin';
import { assertSameOrigin } from '@/lib/server/http/same-origin';
import { providerSignOut } from '@/lib/server/oidc/sign-out';
import { CLEAR_CACHE, clearSessionCookie, readSession, signOut, toStatus } from '@/lib/server/session/session';
import { attemptSignIn, clientInfo } from '@/lib/server/sign-in/sign-in';

import { SIGN_IN_MESSAGES, SignInBody, throttledMessage } from '@/lib/shared/sign-in-input';

/** Status. Reading never extends the session. */
export const GET = handle(async (request: NextRequest) => {
  const read = await readSession(request.cookies);
  if (read.ok) return json(toStatus(read.value.session, read.value.now));
  if (read.reason !== 'no-session') await clearSessionCookie();
  return noSession(read.reason);
});

/** Sign in. */
export const POST = handle(async (request: Request) => {
  assertSameOrigin(request);
  const body = await readJson(request, SignInBody);
  const result = await attemptSignIn(body, clientInfo(request.headers));
  if (result.ok) return json(result.value);
  if (result.reason === 'throttled') {
    return json({ error: throttledMessage(result.retryAfterS), retryAfterS: result.retryAfterS }, 429, { 'Retry-After': String(result.retryAfterS) });
  }
  return json({ error: SIGN_IN_MESSAGES.wrongCredentials }, 401);
});

const SessionTag = z.string().regex(/^[\w-]{1,64}$/, 'X-Session-Tag must be a session tag').optional();

/**
 * Sign out: ends the session's record, so no copy of the cookie works again. Idempotent. With
 * `X-Session-Tag`, only if the cookie still names that session: 409, and nothing ends, when not.
 * With `OIDC_PROVIDER_SIGN_OUT=always`, the answer names the provider's end-session page (`endSessionAt`), or says
 * the session there could not be ended (`provider: 'still-signed-in'`, for the login page to say).
 */
export const DELETE = handle(async (request: NextRequest) => {
  assertSameOrigin(request);
  const meant = SessionTag.safeParse(request.headers.get('x-session-tag') ?? undefined);
  if (!meant.success) throw new HttpError(400, meant.error.issues[0]?.message ?? 'Invalid X-Session-Tag');
  const signedOut = await signOut(request.cookies, meant.data);
  if (!signedOut.ok) return json({ error: 'The cookie names another session: nothing was ended' }, 409);
  // OIDC_PROVIDER_SIGN_OUT=always: the page goes on through the provider's end-session page, as the form's answer does.
  const { wanted, url } = await providerSignOut(appOrigin(request), signedOut.value, false);
  if (url) return json({ authenticated: false, reason: 'signed-out', endSessionAt: url.href }, 200, CLEAR_CACHE);
  if (wanted) return json({ authenticated: false, reason: 'signed-out', provider: 'still-signed-in' }, 200, CLEAR_CACHE);
  return noSession('signed-out', 200, CLEAR_CACHE);
});
