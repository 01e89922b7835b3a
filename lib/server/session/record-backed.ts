import 'server-only';
import { cookies } from 'next/headers';
import { deadlines } from '../../shared/session-policy';
import { clipText } from '../../shared/clip-text';
import { config } from '../config';
import { endAndRecord, recordEvent } from '../events/event-log';
import { firstInWindow } from '../events/once-per-window';
import { sessionStore, type ProviderLink, type SessionRecord } from '../stores';
import { EVENT_TEXT_MAX } from '../stores/event-schema';
import { readSessionCookie, writeCookie } from './cookie';
import type { ActiveSession, SessionData, SessionMode, SessionOutcome, SessionRead, VerifiedCookie } from './mode';
import type { CookieSession } from './seal';
import { judgeRecord, type Judged } from './settle';
import { sweepNowAndThen } from './sweep';
import { toStatus } from './status';

/**
 * Sessions with a record on the server (SQLite, Redis): the sealed cookie only names the record, and the record holds
 * last activity and whether the session has ended. The record is what makes sign-out, expiry and revocation final:
 * a saved copy of the cookie is only as good as its record. Reads settle a lapsed record (`settle.ts`).
 */

function active(verified: VerifiedCookie, record: SessionRecord): ActiveSession {
  const { cookie, sessionTag, user, now, seal, stale } = verified;
  const session = { ...cookie, lastActivityAt: record.lastActivityAt, authenticatedAt: record.authenticatedAt, sessionTag };
  return { session, user, now, seal, stale };
}

async function read(verified: VerifiedCookie): Promise<SessionRead> {
  const { cookie, now } = verified;
  sweepNowAndThen(now);
  const judged = await judgeRecord(await sessionStore().get(cookie.sessionId, cookie.username), cookie, now);
  return judged.ok ? { ok: true, value: active(verified, judged.value) } : judged;
}

/**
 * One store round trip, and no read before it: the store's touch moves last activity and expiry forward only,
 * refuses an ended record or one whose expiry has passed, and returns the record as it then is, which is judged as a
 * status check judges it. The cookie is written again only when it must change: a persistent cookie's Max-Age
 * follows the deadline, and a cookie sealed with the previous secret is resealed.
 */
async function keepAlive(verified: VerifiedCookie, idleMs: number): Promise<SessionOutcome> {
  const { cookie, now, seal, stale } = verified;
  sweepNowAndThen(now);
  // The activity as reported (never after now); the store keeps the later of its own and this, and of the expiries.
  const reported = { ...cookie, lastActivityAt: now - Math.max(0, idleMs) };
  const touch = () => sessionStore().touch(cookie.sessionId, reported.lastActivityAt, deadlines(reported, config().policy).endsAt, now, cookie.username);
  let judged: Judged = await judgeRecord(await touch(), cookie, now);
  // A touch moves last activity to at least the reported one, unless the store refused it at an expiry that passed
  // and another request then slid on: judged active after all, this keep-alive's activity is written too.
  if (judged.ok && judged.value.lastActivityAt < reported.lastActivityAt) judged = await judgeRecord(await touch(), cookie, now);
  if (!judged.ok) return judged;
  const record = judged.value;
  const { session } = active(verified, record);
  if (stale) {
    await writeCookie(session, now, { withLastActivity: false });
    // A copy of the old cookie replayed without keeping the new one is resealed at every keep-alive: one event says it.
    if (firstInWindow(`resealed:${record.id}`, record.createdAt + config().policy.absoluteMs, now)) {
      await recordEvent({ kind: 'resealed', username: record.username, sessionId: record.id, actor: { by: 'system' }, details: { userAgent: record.userAgent } });
    }
  } else if (session.remember) await writeCookie(session, now, { withLastActivity: false, value: seal });
  return { ok: true, value: toStatus(session, now) };
}

/**
 * A live session this browser still holds ends first (`replaced`): a browser has one session, and a copy of the old
 * cookie must not outlive it. Past the cap on sessions per user, the user's least recently used ones end
 * (`session-limit`) in the same step as the create, so sign-ins at once cannot overshoot it.
 */
async function start(session: SessionData, userAgent: string, providerLink?: ProviderLink): Promise<SessionRecord[]> {
  const { policy, maxSessionsPerUser } = config();
  const now = session.createdAt;
  const previous = await readSessionCookie(await cookies(), recordBacked);
  if (previous.ok) {
    const current = await read(previous.value);
    if (current.ok) await endAndRecord(current.value.session.sessionId, 'replaced', now, { by: 'user' }, current.value.session.username);
  }
  const record = {
    id: session.sessionId,
    username: session.username,
    role: session.role,
    createdAt: now,
    lastActivityAt: now,
    authenticatedAt: session.authenticatedAt,
    expiresAt: deadlines(session, policy).endsAt,
    remember: session.remember,
    userAgent: clipText(userAgent, EVENT_TEXT_MAX.userAgent),
    ...(providerLink ? { providerLink } : {}),
  };
  const beyondCap = await sessionStore().create(record, maxSessionsPerUser);
  await writeCookie(session, now, { withLastActivity: false });
  return beyondCap;
}

async function signOut(cookie: CookieSession, now: number): Promise<ProviderLink | undefined> {
  const record = await sessionStore().get(cookie.sessionId, cookie.username);
  // A record whose deadline has passed (the absolute one is not read from the record by a status check) is settled
  // as that deadline's end, not as the press that came after it.
  const judged = await judgeRecord(record, cookie, now);
  // Only the sign-out that ended it writes its event: a replayed copy of a cookie signed out before writes none.
  if (judged.ok) await endAndRecord(cookie.sessionId, 'signed-out', now, { by: 'user' }, cookie.username);
  // Ended now or before (a deadline, elsewhere): the provider's sign-in behind it may be open there all the same.
  return record?.providerLink;
}

export const recordBacked: SessionMode = {
  // A record's cookie carries no last activity: the record keeps it.
  owns: (cookie) => cookie.lastActivityAt === undefined,
  read,
  keepAlive,
  start,
  signOut,
};
