import 'server-only';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { config } from '../config';
import { deadlines, deadlinePassed, reportActivity } from '../../shared/session-policy';
import { sealSession, unsealSession, type CookieSession } from './seal';
import type { Result } from '../../shared/result';
import type { ActiveStatus, SignedOutReason } from '../../shared/session-status';
import { recordEnd, recordEvent } from '../events/event-log';
import { firstInWindow } from '../events/once-per-window';
import { sweepNowAndThen } from './sweep';
import { tagOf } from './tag';
import { keepsRecords, sessionStore, type SessionRecord } from '../stores';
import { findUser, type User } from '../sign-in/users';

/**
 * The only module that knows the session cookie: its name, secret, lifetime and attributes.
 *
 * The cookie is sealed with iron-session's `sealData`/`unsealData` and names a server-side record that
 * holds last activity and whether the session has ended. The record is what makes sign-out, expiry
 * and revocation final: a saved copy of the cookie is only as good as its record.
 *
 * Why not `getIronSession`: it ties the cookie's Max-Age to the seal's ttl, and a browser-session
 * cookie (`maxAge: undefined`) silently gets a ttl of 0, a seal that never expires. Here the seal's
 * ttl covers the absolute lifetime and the real deadlines are checked from the record on every request.
 *
 * With `SESSION_STORE=cookie` there is no record: the seal carries the last activity too, the deadlines are
 * checked from it on every request all the same, and a keep-alive reseals it. What that cannot do is make a
 * sign-out final: a copy of the cookie taken before works until its idle deadline, and whoever holds it can keep it
 * alive with keep-alives until the absolute one (README, Known limits).
 */

/** The session a request carries: what its cookie says, the last activity and proof of presence its record holds, and the tag its answers carry. */
export type SessionData = CookieSession & { lastActivityAt: number; authenticatedAt: number; sessionTag: string };

export type SessionRead =
  | { active: true; session: SessionData; user: User; now: number; seal: string; stale: boolean }
  | { active: false; reason: SignedOutReason };

/** What a keep-alive comes to: the session's new status, or why it has ended. */
export type SessionOutcome = Result<ActiveStatus, SignedOutReason>;

/** Longer than any seal this app writes; longer values are refused before any crypto runs. */
const MAX_SEAL_LENGTH = 2048;

function cookieName(): string {
  // `__Host-` pins the cookie to this origin: Secure, Path=/ and no Domain, or the browser refuses it.
  return config().production ? '__Host-session' : 'session';
}

function cookieAttributes() {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: config().production } as const;
}

function secrets() {
  const { secret, previousSecret } = config();
  return previousSecret ? { current: secret, previous: previousSecret } : { current: secret };
}

/** A seal verified before: what it holds, and the tag its answers carry (a SHA-256 each, saved once). */
interface Verified {
  session: CookieSession;
  stale: boolean;
  sessionTag: string;
}

/**
 * Verified seals, so a status check costs a cache lookup instead of an unseal: the key is the whole seal, so only
 * the very string that was verified hits. Only the seal's integrity is cached: the record is still read on every
 * request, so revocation and deadlines hold to the millisecond. Bounded by bytes, the least recently used going
 * first: an entry costs its seal (one byte a character, as V8 holds an ASCII string) and 256 bytes of what it
 * holds (measured with `--expose-gc`, rounded up). 32 MiB holds about 50,000 of today's 400-character seals
 * (20,000 cost 11 MiB of heap, measured), so a server whose users take turns beyond that does not unseal every
 * request. A lookup costs about 60 ns here, against 50 ns for a plain Map.
 */
const verified = new LRUCache<string, Verified>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (_entry, seal) => seal.length + 256 });

async function readCookie(value: string): Promise<Verified | 'expired' | undefined> {
  const hit = verified.get(value);
  if (hit) return hit;
  if (value.length > MAX_SEAL_LENGTH) return undefined;
  const read = await unsealSession(value, secrets(), config().policy.absoluteMs / 1000);
  if (read === undefined || read === 'expired') return read;
  const entry = { ...read, sessionTag: tagOf(read.session.sessionId) };
  verified.set(value, entry);
  return entry;
}

/** Where the session cookie is read from: a route handler's `request.cookies`, or else Next's `cookies()`. */
export interface CookieReader {
  get(name: string): { value: string } | undefined;
}

/** What the cookie alone tells, before any record is read: the session it names, its user, and the time of the read. */
type CookieRead =
  | { active: true; cookie: CookieSession; stale: boolean; sessionTag: string; seal: string; user: User; now: number }
  | { active: false; reason: SignedOutReason };

/** The cookie in `jar`, verified, with its user and the absolute deadline it carries checked: no store is asked. */
async function readSessionCookie(jar: CookieReader): Promise<CookieRead> {
  const value = jar.get(cookieName())?.value;
  if (!value) return { active: false, reason: 'none' };

  // A seal verified before is a map lookup, without even a turn of the event loop.
  const read = verified.get(value) ?? (await readCookie(value));
  // The seal outlives every session it holds, so an expired seal means the absolute limit passed long ago.
  if (read === 'expired') return { active: false, reason: 'absolute' };
  if (!read) return { active: false, reason: 'invalid' };
  const { session: cookie, stale, sessionTag } = read;

  const now = Date.now();
  sweepNowAndThen(now);
  // Past the absolute deadline nothing can revive the session: answer without asking the store.
  if (cookie.createdAt + config().policy.absoluteMs <= now) return { active: false, reason: 'absolute' };
  const user = findUser(cookie.username);
  if (!user || user.role !== cookie.role) return { active: false, reason: 'invalid' };
  // A stateless cookie (another mode's) names no record here.
  if (keepsRecords() && cookie.lastActivityAt !== undefined) return { active: false, reason: 'invalid' };
  return { active: true, cookie, stale, sessionTag, seal: value, user, now };
}

/** A record judged at a moment: active, or why it ended. */
type Judged = { active: true; record: SessionRecord } | { active: false; reason: SignedOutReason };

/**
 * The record as the store returned it, judged at `now`: active, or why it ended. A record whose time is up is
 * settled first: ended here, or found ended or kept alive by another request since it was read.
 */
async function judgeRecord(record: SessionRecord | undefined, cookie: CookieSession, now: number): Promise<Judged> {
  if (!record || record.username !== cookie.username) return { active: false, reason: 'invalid' };
  if (record.endReason) return { active: false, reason: record.endReason };
  const ended = lapsed(record, now);
  if (!ended) return { active: true, record };
  return settleLapsed(record, ended, now);
}

/**
 * The session behind the cookie in `jar`, checked against its record and both deadlines. Never extends it.
 * Route handlers pass `request.cookies`: reading the request they already hold skips the work of `cookies()`,
 * which is most of what a status check costs beyond a bare route.
 */
export async function readSession(jar: CookieReader): Promise<SessionRead> {
  const read = await readSessionCookie(jar);
  if (!read.active) return read;
  const { cookie, stale, sessionTag, seal, user, now } = read;
  if (!keepsRecords()) return readStateless(cookie, sessionTag, seal, stale, user, now);
  const judged = await judgeRecord(await sessionStore().get(cookie.sessionId, cookie.username), cookie, now);
  if (!judged.active) return judged;
  const { lastActivityAt, authenticatedAt } = judged.record;
  return { active: true, session: { ...cookie, lastActivityAt, authenticatedAt, sessionTag }, user, now, seal, stale };
}

/** `SESSION_STORE=cookie`: the session is what the seal says, checked against both deadlines like a record. */
function readStateless(cookie: CookieSession, sessionTag: string, seal: string, stale: boolean, user: User, now: number): SessionRead {
  if (cookie.lastActivityAt === undefined) return { active: false, reason: 'invalid' };
  // No record keeps a later proof of presence: the sign-in is the last one (and this mode has no sensitive actions).
  const session = { ...cookie, lastActivityAt: cookie.lastActivityAt, authenticatedAt: cookie.createdAt, sessionTag };
  const ended = deadlinePassed(session, now, config().policy);
  if (ended) return { active: false, reason: ended };
  return { active: true, session, user, now, seal, stale };
}

/**
 * The session of the request being rendered, read once per request however many server components ask
 * (React's `cache`): one store read per page, and no second read that could find the record ended by the first.
 */
export const getSession = cache(async (): Promise<SessionRead> => readSession(await cookies()));

/**
 * Whether the record's time is up at `now`: by its deadlines under the lifetimes in force, or by the expiry the
 * store holds, which it set at the last keep-alive and by which it lists and refuses to touch the record.
 */
function lapsed(record: SessionRecord, now: number): 'idle' | 'absolute' | null {
  return deadlinePassed(record, now, config().policy) ?? (record.expiresAt <= now ? 'idle' : null);
}

/**
 * A record whose time is up at `now`: ends it and writes its event, once, whoever gets there first (this request,
 * another, or the sweep). A record whose expiry is still ahead but whose deadline under the lifetimes in force has
 * passed (a lifetime shortened since) ends now. Otherwise the store's `lapse` ends it at its own expiry, only while
 * nothing has ended or extended it; when it ends nothing, the record as it now is decides, since another request,
 * in this process or another, may have ended it or kept it alive after this one read it.
 */
async function settleLapsed(record: SessionRecord, reason: 'idle' | 'absolute', now: number): Promise<Judged> {
  const store = sessionStore();
  if (record.expiresAt > now) {
    const after = await store.end(record.id, reason, now, record.username);
    if (after?.endReason === reason && after.endedAt === now) await recordEnd(after);
    return { active: false, reason: after?.endReason ?? reason };
  }
  const ended = await store.lapse(record.id, record.username, now, config().policy.absoluteMs);
  if (ended) {
    await recordEnd(ended);
    return { active: false, reason: ended.endReason ?? reason };
  }
  const current = await store.get(record.id, record.username);
  if (!current || current.endReason) return { active: false, reason: current?.endReason ?? reason };
  const still = lapsed(current, now);
  if (!still) return { active: true, record: current };
  // Kept alive, but not as far as the lifetimes in force allow (by an instance with longer ones). An expiry only
  // moves forward and `lapse` found this one ahead of now, so this call ends it by the first branch.
  return settleLapsed(current, still, now);
}

/** For protected pages: the active session, or a redirect to the login page that remembers where the user was going. */
export async function requireSession(returnTo: string): Promise<Extract<SessionRead, { active: true }>> {
  const read = await getSession();
  if (read.active) return read;
  const query = new URLSearchParams({ returnTo });
  if (read.reason !== 'none' && read.reason !== 'invalid') query.set('reason', read.reason);
  redirect(`/login?${query}`);
}

export function toStatus(session: SessionData, now: number): ActiveStatus {
  const { policy } = config();
  const { idleAt, absoluteAt } = deadlines(session, policy);
  return {
    authenticated: true,
    user: { username: session.username, role: session.role },
    idleExpiresInMs: idleAt - now,
    absoluteExpiresInMs: absoluteAt - now,
    warningBeforeMs: policy.warningBeforeMs,
    idleTimeoutMs: policy.idleMs[session.role],
    sessionTag: session.sessionTag,
  };
}

/** Sets the cookie; `value` re-sends an existing seal, so only a persistent cookie's Max-Age changes. */
async function writeCookie(session: SessionData, now: number, value?: string): Promise<void> {
  const { policy } = config();
  // The seal's ttl spans the absolute lifetime from now; the record's deadlines are what end the session.
  // Only a stateless cookie carries the last activity; a record's cookie never changes after sign-in.
  const { lastActivityAt, ...named } = session;
  const sealed = value ?? (await sealSession(keepsRecords() ? named : { ...named, lastActivityAt }, secrets(), policy.absoluteMs / 1000));
  const maxAge = session.remember ? Math.ceil((deadlines(session, policy).endsAt - now) / 1000) : undefined;
  (await cookies()).set(cookieName(), sealed, { ...cookieAttributes(), ...(maxAge === undefined ? {} : { maxAge }) });
}

/** Route handlers and server actions only: expires the cookie in the browser. */
export async function clearSessionCookie(): Promise<void> {
  (await cookies()).set(cookieName(), '', { ...cookieAttributes(), maxAge: 0 });
}

/**
 * Starts a new session (a new id, a new record) for a user whose credentials were just checked. A live
 * session this browser still holds ends first (`replaced`): a browser has one session, and a copy of the old
 * cookie must not outlive it. Past the cap on sessions per user, the user's least recently used ones end
 * (`session-limit`) in the same step as the create, so sign-ins at once cannot overshoot it.
 */
export async function startSession(user: User, remember: boolean, userAgent: string): Promise<ActiveStatus> {
  const { policy, maxSessionsPerUser } = config();
  const now = Date.now();
  const sessionId = randomUUID();
  const session: SessionData = { sessionId, username: user.username, role: user.role, createdAt: now, lastActivityAt: now, authenticatedAt: now, remember, sessionTag: tagOf(sessionId) };
  // Without records the new cookie simply replaces the old one in this browser; a copy of it is not ended.
  if (!keepsRecords()) {
    await writeCookie(session, now);
    await recordEvent({ kind: 'signed-in', username: user.username, sessionId, actor: { by: 'user' }, at: now, details: { userAgent: userAgent.slice(0, 512) } });
    return toStatus(session, now);
  }
  const store = sessionStore();
  const previous = await readSession(await cookies());
  if (previous.active) {
    const replaced = await store.end(previous.session.sessionId, 'replaced', now, previous.session.username);
    if (replaced?.endReason === 'replaced' && replaced.endedAt === now) await recordEnd(replaced, { by: 'user' });
  }
  const record = {
    id: session.sessionId,
    username: user.username,
    role: user.role,
    createdAt: now,
    lastActivityAt: now,
    authenticatedAt: now,
    expiresAt: deadlines(session, policy).endsAt,
    remember,
    userAgent: userAgent.slice(0, 512),
  };
  const beyondCap = await store.create(record, maxSessionsPerUser);
  await recordEvent({ kind: 'signed-in', username: user.username, sessionId, actor: { by: 'user' }, at: now, details: { userAgent: record.userAgent } });
  for (const ended of beyondCap) await recordEnd(ended);
  await writeCookie(session, now);
  return toStatus(session, now);
}

/**
 * Slides the idle deadline to the user's last real activity, `idleMs` before now (0 for a button press).
 * One store round trip, and no read before it: the store's touch moves last activity and expiry forward only,
 * refuses an ended record or one whose expiry has passed, and returns the record as it then is, which is judged
 * as a status check judges it. The cookie is written again only when it must change: a persistent cookie's
 * Max-Age follows the deadline, and a cookie sealed with the previous secret is resealed.
 * Returns the reason instead when the session has ended, including by a sign-out that won the race.
 */
export async function keepAlive(idleMs: number, jar: CookieReader): Promise<SessionOutcome> {
  const read = await readSessionCookie(jar);
  if (!read.active) return { ok: false, reason: read.reason };
  const { cookie, stale, sessionTag, seal, user, now } = read;
  // Stateless: the moved last activity lives in the cookie only, so every keep-alive reseals it.
  if (!keepsRecords()) {
    const current = readStateless(cookie, sessionTag, seal, stale, user, now);
    if (!current.active) return { ok: false, reason: current.reason };
    const moved = { ...current.session, lastActivityAt: reportActivity(current.session, now, idleMs) };
    await writeCookie(moved, now);
    return { ok: true, value: toStatus(moved, now) };
  }
  // The activity as reported (never after now); the store keeps the later of its own and this, and of the expiries.
  const reported = { ...cookie, lastActivityAt: now - Math.max(0, idleMs) };
  const touch = () => sessionStore().touch(cookie.sessionId, reported.lastActivityAt, deadlines(reported, config().policy).endsAt, now, cookie.username);
  let judged = await judgeRecord(await touch(), cookie, now);
  // A touch moves last activity to at least the reported one, unless the store refused it at an expiry that passed
  // and another request then slid on: judged active after all, this keep-alive's activity is written too.
  if (judged.active && judged.record.lastActivityAt < reported.lastActivityAt) judged = await judgeRecord(await touch(), cookie, now);
  if (!judged.active) return { ok: false, reason: judged.reason };
  const { record } = judged;
  const session = { ...cookie, lastActivityAt: record.lastActivityAt, authenticatedAt: record.authenticatedAt, sessionTag };
  if (stale) {
    await writeCookie(session, now);
    // A copy of the old cookie replayed without keeping the new one is resealed at every keep-alive: one event says it.
    if (firstInWindow(`resealed:${record.id}`, record.createdAt + config().policy.absoluteMs, now)) {
      await recordEvent({ kind: 'resealed', username: record.username, sessionId: record.id, actor: { by: 'system' }, details: { userAgent: record.userAgent } });
    }
  } else if (session.remember) await writeCookie(session, now, seal);
  return { ok: true, value: toStatus(session, now) };
}

/** For every sign-out answer: the browser drops what it cached while signed in (the back button shows no private page). */
export const CLEAR_CACHE = { 'Clear-Site-Data': '"cache"' } as const;

/** Signs out: ends the record behind the cookie, whatever state it is in, then clears the cookie. */
export async function endSession(): Promise<void> {
  const value = (await cookies()).get(cookieName())?.value;
  const read = value ? await readCookie(value) : undefined;
  // Without records nothing tells this sign-out from one of a copy of the cookie: each writes its line.
  if (read && read !== 'expired' && !keepsRecords()) {
    await recordEvent({ kind: 'signed-out', username: read.session.username, sessionId: read.session.sessionId, actor: { by: 'user' } });
  } else if (read && read !== 'expired') {
    const at = Date.now();
    const ended = await sessionStore().end(read.session.sessionId, 'signed-out', at, read.session.username);
    // Only the sign-out that ended it writes its event: a replayed copy of a cookie signed out before writes none.
    if (ended?.endReason === 'signed-out' && ended.endedAt === at) await recordEnd(ended, { by: 'user' });
  }
  await clearSessionCookie();
}

export type { SessionRecord };
