import 'server-only';
import { randomUUID } from 'node:crypto';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { Result } from '../../shared/result';
import type { ActiveStatus } from '../../shared/session-status';
import { clipText } from '../../shared/clip-text';
import { recordEnd, recordEvent } from '../events/event-log';
import type { User } from '../sign-in/users';
import { keepsRecords, type ProviderLink } from '../stores';
import { EVENT_TEXT_MAX } from '../stores/event-schema';
import { clearSessionCookie, readSessionCookie, sealIn, verifySeal, type CookieReader } from './cookie';
import { cookieOnly } from './cookie-only';
import type { ActiveSession, SessionData, SessionMode, SessionOutcome, SessionRead } from './mode';
import { recordBacked } from './record-backed';
import { toStatus } from './status';
import { tagOf } from './tag';

/**
 * The session, for everything outside this room: read it, require it, start it, keep it alive, sign it out. Each
 * call goes to the home `SESSION_STORE` names: `record-backed.ts` (SQLite, Redis) or `cookie-only.ts`; the cookie
 * itself is `cookie.ts`'s alone.
 */

function mode(): SessionMode {
  return keepsRecords() ? recordBacked : cookieOnly;
}

/**
 * The session behind the cookie in `jar`, checked against both deadlines. Never extends it; a record found past its
 * deadline is settled on the way (ended, its event written: `settle.ts`). Route handlers pass `request.cookies`:
 * reading the request they already hold skips the work of `cookies()`, most of a status check's cost beyond a bare route.
 */
export async function readSession(jar: CookieReader): Promise<SessionRead> {
  const home = mode();
  const verified = await readSessionCookie(jar, home);
  return verified.ok ? home.read(verified.value) : verified;
}

/**
 * The session of the request being rendered, read once per request however many server components ask
 * (React's `cache`): one store read per page, and no second read that could find the record ended by the first.
 */
export const getSession = cache(async (): Promise<SessionRead> => readSession(await cookies()));

/** For protected pages: the active session, or a redirect to the login page that remembers where the user was going. */
export async function requireSession(returnTo: string): Promise<ActiveSession> {
  const read = await getSession();
  if (read.ok) return read.value;
  const query = new URLSearchParams({ returnTo });
  if (read.reason !== 'no-session' && read.reason !== 'invalid') query.set('reason', read.reason);
  redirect(`/login?${query}`);
}

/**
 * Starts a new session (a new id, and a new record where records are kept) for a user whose credentials were just
 * checked: by the password form, or by the OpenID provider named in `provider`, which its sign-in event carries. A
 * provider may vouch for a password typed a while ago (`authenticatedAt`, its `auth_time`): that, not the sign-in,
 * is the proof of presence "Confirm it's you" counts from, or signing out and in again would stand in for a password.
 * `providerLink` ties the session to that sign-in, so a logout at the provider ends it, and a sign-out here can end it there.
 */
export async function startSession(
  user: User,
  remember: boolean,
  userAgent: string,
  { provider, authenticatedAt, providerLink }: { provider?: string; authenticatedAt?: number; providerLink?: ProviderLink } = {},
): Promise<ActiveStatus> {
  const now = Date.now();
  const sessionId = randomUUID();
  const session: SessionData = {
    sessionId,
    username: user.username,
    role: user.role,
    createdAt: now,
    lastActivityAt: now,
    authenticatedAt: Math.min(now, authenticatedAt ?? now),
    remember,
    sessionTag: tagOf(sessionId),
  };
  const beyondCap = await mode().start(session, userAgent, providerLink);
  const details = { userAgent: clipText(userAgent, EVENT_TEXT_MAX.userAgent), ...(provider ? { provider } : {}) };
  await recordEvent({ kind: 'signed-in', username: user.username, sessionId, actor: { by: 'user' }, at: now, details });
  for (const ended of beyondCap) await recordEnd(ended);
  return toStatus(session, now);
}

/**
 * Slides the idle deadline to the user's last real activity, `idleMs` before now (0 for a button press).
 * Returns the reason instead when the session has ended, including by a sign-out that won the race.
 */
export async function keepAlive(idleMs: number, jar: CookieReader): Promise<SessionOutcome> {
  const home = mode();
  const verified = await readSessionCookie(jar, home);
  return verified.ok ? home.keepAlive(verified.value, idleMs) : verified;
}

/**
 * The user pressed Sign out: ends the session behind the cookie, whatever state it is in, then clears the cookie.
 * A tab names the session it was rendered for (`meantTag`): the cookie is the browser's, shared with every tab, and
 * names another session once someone signs in again in another tab; that one is not this tab's to end.
 * Returns the OpenID provider's sign-in behind the session it ended, if any (oidc/sign-out.ts can end that too).
 */
export async function signOut(jar: CookieReader, meantTag?: string): Promise<Result<ProviderLink | undefined, 'another-session'>> {
  if (meantTag !== undefined) {
    const read = await readSession(jar);
    if (read.ok && read.value.session.sessionTag !== meantTag) return { ok: false, reason: 'another-session' };
  }
  // Each home settles a session whose deadline has passed as that deadline's end, not as the press that came after it.
  const value = sealIn(jar);
  const verified = value ? await verifySeal(value) : undefined;
  const provider = verified?.ok ? await mode().signOut(verified.value.session, Date.now()) : undefined;
  await clearSessionCookie();
  return { ok: true, value: provider };
}

export { CLEAR_CACHE, clearSessionCookie, type CookieReader } from './cookie';
export { toStatus } from './status';
export type { ActiveSession, SessionData, SessionOutcome, SessionRead } from './mode';
