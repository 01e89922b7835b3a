import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { handle, json, readJson } from '@/lib/http';
import { assertSameOrigin } from '@/lib/same-origin';
import { CLEAR_CACHE, clearSessionCookie, endSession, getSession, toStatus } from '@/lib/session';
import { attemptSignIn, clientInfo } from '@/lib/sign-in';

// Control and invisible formatting characters (NUL, bidi overrides, zero-width) and broken UTF-16 are
// refused before any lookup: no real username holds them, and they make names look like others.
const printable = (text: string) => text.isWellFormed() && !/[\p{Cc}\p{Cf}]/u.test(text);

const SignInBody = z.object({
  username: z.string().trim().min(1, 'is required').max(100, 'is too long').refine(printable, 'contains characters that are not allowed'),
  password: z.string().min(1, 'is required').max(200, 'is too long').refine((text) => text.isWellFormed(), 'is not valid Unicode text'),
  remember: z.boolean().optional().default(false),
});

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
    const error = `Too many failed sign-in attempts. Try again in ${result.retryAfterS} seconds.`;
    return json({ error, retryAfterS: result.retryAfterS }, 429, { 'Retry-After': String(result.retryAfterS) });
  }
  return json({ error: 'Wrong username or password' }, 401);
});

/** Sign out: ends the session's record, so no copy of the cookie works again. Idempotent. */
export const DELETE = handle(async (request: Request) => {
  assertSameOrigin(request);
  await endSession();
  return json({ authenticated: false, reason: 'signed-out' }, 200, CLEAR_CACHE);
});
