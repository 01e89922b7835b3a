import 'server-only';
import { hash, randomUUID } from 'node:crypto';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { config } from './config';
import { deadlines, deadlinePassed, reportActivity } from '../shared/session-policy';
import { sealSession, unsealSession, type CookieSession } from './seal';
import type { Result } from '../shared/result';
import type { ActiveStatus, SignedOutReason } from '../shared/session-status';
import { purgeNowAndThen, sessionStore, type SessionRecord } from './stores';
import { findUser, type User } from './users';

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
 */

/** The session a request carries: what its cookie says, and the last activity and proof of presence its record holds. */
export type SessionData = CookieSession & { lastActivityAt: number; authenticatedAt: number };

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

/**
 * Verified seals, so a status check costs a map lookup instead of an unseal. Only the seal's
 * integrity is cached: the record is still read on every request, so revocation and deadlines hold
 * to the millisecond. Bounded; the oldest entry goes first.
 */
const verified = new Map<string, { session: CookieSession; stale: boolean }>();
const VERIFIED_MAX = 10_000;

async function readCookie(value: string): Promise<{ session: CookieSession; stale: boolean } | 'expired' | undefined> {
  const hit = verified.get(value);
  if (hit) return hit;
  if (value.length > MAX_SEAL_LENGTH) return undefined;
  const entry = await unsealSession(value, secrets(), config().policy.absoluteMs / 1000);
  if (entry === undefined || entry === 'expired') return entry;
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value ?? '');
  verified.set(value, entry);
  return entry;
}

/** Where the session cookie is read from: a route handler's `request.cookies`, or else Next's `cookies()`. */
export interface CookieReader {
  get(name: string): { value: string } | undefined;
}

/**
 * The session behind the cookie in `jar`, checked against its record and both deadlines. Never extends it.
 * Route handlers pass `request.cookies`: reading the request they already hold skips the work of `cookies()`,
 * which is most of what a status check costs beyond a bare route.
 */
export async function readSession(jar: CookieReader): Promise<SessionRead> {
  const value = jar.get(cookieName())?.value;
  if (!value) return { active: false, reason: 'none' };

  // A seal verified before is a map lookup, without even a turn of the event loop.
  const read = verified.get(value) ?? (await readCookie(value));
  // The seal outlives every session it holds, so an expired seal means the absolute limit passed long ago.
  if (read === 'expired') return { active: false, reason: 'absolute' };
  if (!read) return { active: false, reason: 'invalid' };
  const { session: cookie, stale } = read;

  const { policy } = config();
  const now = Date.now();
  purgeNowAndThen(now);
  // Past the absolute deadline nothing can revive the session: answer without asking the store.
  if (cookie.createdAt + policy.absoluteMs <= now) return { active: false, reason: 'absolute' };

  const store = sessionStore();
  const record = await store.get(cookie.sessionId);
  const user = findUser(cookie.username);
  if (!record || record.username !== cookie.username || !user || user.role !== cookie.role) return { active: false, reason: 'invalid' };
  if (record.endReason) return { active: false, reason: record.endReason };
  const ended = lapsed(record, now);
  if (ended) {
    await store.end(record.id, ended, now);
    return { active: false, reason: ended };
  }
  return { active: true, session: { ...cookie, lastActivityAt: record.lastActivityAt, authenticatedAt: record.authenticatedAt }, user, now, seal: value, stale };
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
    // One-shot `hash`: a fifth of what createHash costs, on every status answer.
    sessionTag: hash('sha256', session.sessionId, 'base64url').slice(0, 16),
  };
}

/** Sets the cookie; `value` re-sends an existing seal, so only a persistent cookie's Max-Age changes. */
async function writeCookie(session: SessionData, now: number, value?: string): Promise<void> {
  const { policy } = config();
  // The seal's ttl spans the absolute lifetime from now; the record's deadlines are what end the session.
  const sealed = value ?? (await sealSession(session, secrets(), policy.absoluteMs / 1000));
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
  const store = sessionStore();
  const previous = await readSession(await cookies());
  const now = Date.now();
  if (previous.active) await store.end(previous.session.sessionId, 'replaced', now);
  const session: SessionData = { sessionId: randomUUID(), username: user.username, role: user.role, createdAt: now, lastActivityAt: now, authenticatedAt: now, remember };
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
  await store.create(record, maxSessionsPerUser);
  await writeCookie(session, now);
  return toStatus(session, now);
}

/**
 * Slides the idle deadline to the user's last real activity, `idleMs` before now (0 for a button press).
 * One store update; the cookie is written again only when it must change: a persistent cookie's
 * Max-Age follows the deadline, and a cookie sealed with the previous secret is resealed.
 * Returns the reason instead when the session has ended, including by a sign-out that won the race or a
 * deadline that passed while the record was being read.
 */
export async function keepAlive(idleMs: number, jar: CookieReader): Promise<SessionOutcome> {
  const read = await readSession(jar);
  if (!read.active) return { ok: false, reason: read.reason };
  const { policy } = config();
  const lastActivityAt = reportActivity(read.session, read.now, idleMs);
  const moved = { ...read.session, lastActivityAt };
  // The time of the write, not of the read: a deadline that passed in between is not moved.
  const now = Date.now();
  const record = await sessionStore().touch(read.session.sessionId, lastActivityAt, deadlines(moved, policy).endsAt, now);
  if (!record) return { ok: false, reason: 'invalid' };
  if (record.endReason) return { ok: false, reason: record.endReason };
  const ended = lapsed(record, now);
  if (ended) {
    await sessionStore().end(record.id, ended, now);
    return { ok: false, reason: ended };
  }
  const session = { ...read.session, lastActivityAt: record.lastActivityAt };
  if (read.stale) await writeCookie(session, read.now);
  else if (session.remember) await writeCookie(session, read.now, read.seal);
  return { ok: true, value: toStatus(session, read.now) };
}

/** For every sign-out answer: the browser drops what it cached while signed in (the back button shows no private page). */
export const CLEAR_CACHE = { 'Clear-Site-Data': '"cache"' } as const;

/** Signs out: ends the record behind the cookie, whatever state it is in, then clears the cookie. */
export async function endSession(): Promise<void> {
  const value = (await cookies()).get(cookieName())?.value;
  const read = value ? await readCookie(value) : undefined;
  if (read && read !== 'expired') await sessionStore().end(read.session.sessionId, 'signed-out', Date.now());
  await clearSessionCookie();
}

export type { SessionRecord };
