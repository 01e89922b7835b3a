import 'server-only';
import { deadlinePassed, slideLastActivity } from '../../shared/session-policy';
import { config } from '../config';
import { recordEvent } from '../events/event-log';
import { writeCookie } from './cookie';
import type { SessionData, SessionMode, SessionOutcome, SessionRead, VerifiedCookie } from './mode';
import type { CookieSession } from './seal';
import { toStatus } from './status';

/**
 * `SESSION_STORE=cookie`: no record. The seal carries the last activity too, the deadlines are checked from it on
 * every request all the same, and a keep-alive reseals it. What that cannot do is make a sign-out final: a copy of
 * the cookie taken before works until its idle deadline, and whoever holds it can keep it alive with keep-alives
 * until the absolute one (docs/security.md, Known limits). Nothing here writes but the cookie and the event log.
 */

/** The session the seal describes: no record keeps a later proof of presence, so the sign-in is the last one. */
function described(cookie: CookieSession & { lastActivityAt: number }, sessionTag: string): SessionData {
  return { ...cookie, authenticatedAt: cookie.createdAt, sessionTag };
}

async function read({ cookie, sessionTag, user, now, seal, stale }: VerifiedCookie): Promise<SessionRead> {
  const { lastActivityAt } = cookie;
  if (lastActivityAt === undefined) return { ok: false, reason: 'invalid' };
  const session = described({ ...cookie, lastActivityAt }, sessionTag);
  const ended = deadlinePassed(session, now, config().policy);
  if (ended) return { ok: false, reason: ended };
  return { ok: true, value: { session, user, now, seal, stale } };
}

/** The moved last activity lives in the cookie only, so every keep-alive reseals it. */
async function keepAlive(verified: VerifiedCookie, idleMs: number): Promise<SessionOutcome> {
  const current = await read(verified);
  if (!current.ok) return current;
  const { session, now } = current.value;
  const moved = { ...session, lastActivityAt: slideLastActivity(session, now, idleMs) };
  await writeCookie(moved, now, { withLastActivity: true });
  return { ok: true, value: toStatus(moved, now) };
}

/** The new cookie replaces the old one in this browser; a copy of the old one is not ended (nothing could end it). */
async function start(session: SessionData): Promise<[]> {
  await writeCookie(session, session.createdAt, { withLastActivity: true });
  return [];
}

/**
 * Nothing tells this sign-out from one of a copy of the cookie: each writes its line. A cookie whose deadline has
 * passed was ended by it, not by the button, and its line says so, as a record's would.
 */
async function signOut(cookie: CookieSession, now: number): Promise<undefined> {
  const { lastActivityAt } = cookie;
  const ended = lastActivityAt === undefined ? null : deadlinePassed({ ...cookie, lastActivityAt }, now, config().policy);
  await recordEvent({ kind: ended ?? 'signed-out', username: cookie.username, sessionId: cookie.sessionId, actor: ended ? { by: 'system' } : { by: 'user' } });
  return undefined;
}

export const cookieOnly: SessionMode = {
  owns: (cookie) => cookie.lastActivityAt !== undefined,
  read,
  keepAlive,
  start,
  signOut,
};
