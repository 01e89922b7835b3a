import 'server-only';
import { LRUCache } from 'lru-cache';
import { cookies } from 'next/headers';
import type { Result } from '../../shared/result';
import { deadlines } from '../../shared/session-policy';
import type { NoSessionReason } from '../../shared/session-status';
import { config, cookieSecrets } from '../config';
import { findUser } from '../sign-in/users';
import type { SessionData, SessionMode, VerifiedCookie } from './mode';
import { sealSession, unsealSession, type CookieSession } from './seal';
import { tagOf } from './tag';

/**
 * The only module that knows the session cookie: its name, secret, lifetime and attributes.
 *
 * Why not `getIronSession`: it ties the cookie's Max-Age to the seal's ttl, and a browser-session cookie
 * (`maxAge: undefined`) silently gets a ttl of 0, a seal that never expires. Here the seal's ttl covers the absolute
 * lifetime, and the real deadlines are checked on every request by the session's home (`mode.ts`).
 */

/** Longer than any seal this app writes; longer values are refused before any crypto runs. */
const MAX_SEAL_LENGTH = 2048;

function cookieName(): string {
  // `__Host-` pins the cookie to this origin: Secure, Path=/ and no Domain, or the browser refuses it.
  return config().production ? '__Host-session' : 'session';
}

function cookieAttributes() {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: config().production } as const;
}

/** A seal verified before: what it holds, and the tag its answers carry (a SHA-256 each, saved once). */
interface Verified {
  session: CookieSession;
  stale: boolean;
  sessionTag: string;
}

/**
 * Verified seals, so a status check costs a cache lookup instead of an unseal: the key is the whole seal, so only
 * the very string that was verified hits. Only the seal's integrity is cached: what is behind it is still read on
 * every request, so revocation and deadlines hold to the millisecond. Bounded by bytes, the least recently used going
 * first: an entry costs its seal (one byte a character, as V8 holds an ASCII string) and 256 bytes of what it
 * holds (measured with `--expose-gc`, rounded up). 32 MiB holds about 50,000 of today's 400-character seals
 * (20,000 cost 11 MiB of heap, measured), so a server whose users take turns beyond that does not unseal every
 * request. A lookup costs about 60 ns here, against 50 ns for a plain Map.
 */
const verified = new LRUCache<string, Verified>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (_entry, seal) => seal.length + 256 });

/** The seal `value`, verified (from the cache when it was before). */
export async function verifySeal(value: string): Promise<Result<Verified, 'expired' | 'invalid'>> {
  const hit = verified.get(value);
  if (hit) return { ok: true, value: hit };
  if (value.length > MAX_SEAL_LENGTH) return { ok: false, reason: 'invalid' };
  const read = await unsealSession(value, cookieSecrets(), config().policy.absoluteMs / 1000);
  if (!read.ok) return read;
  const entry = { ...read.value, sessionTag: tagOf(read.value.session.sessionId) };
  verified.set(value, entry);
  return { ok: true, value: entry };
}

/** Where the session cookie is read from: a route handler's `request.cookies`, or else Next's `cookies()`. */
export interface CookieReader {
  get(name: string): { value: string } | undefined;
}

/** The seal the browser sent, if any. */
export function sealIn(jar: CookieReader): string | undefined {
  return jar.get(cookieName())?.value || undefined;
}

/** The cookie in `jar`, verified, with its user and the absolute deadline it carries checked: nothing behind it is asked. */
export async function readSessionCookie(jar: CookieReader, mode: SessionMode): Promise<Result<VerifiedCookie, NoSessionReason>> {
  const value = sealIn(jar);
  if (!value) return { ok: false, reason: 'no-session' };
  // A seal verified before is a map lookup, without even a turn of the event loop.
  const hit = verified.get(value);
  const read = hit ? ({ ok: true, value: hit } as const) : await verifySeal(value);
  // The seal outlives every session it holds, so an expired seal means the absolute limit passed long ago.
  if (!read.ok) return { ok: false, reason: read.reason === 'expired' ? 'absolute' : 'invalid' };
  const { session: cookie, stale, sessionTag } = read.value;
  const now = Date.now();
  // Past the absolute deadline nothing can revive the session: answer without asking the store.
  if (cookie.createdAt + config().policy.absoluteMs <= now) return { ok: false, reason: 'absolute' };
  const user = findUser(cookie.username);
  if (!user || user.role !== cookie.role || !mode.owns(cookie)) return { ok: false, reason: 'invalid' };
  return { ok: true, value: { cookie, stale, sessionTag, seal: value, user, now } };
}

/**
 * Sets the cookie. `withLastActivity`: seal the last activity in (the cookie-only home keeps it nowhere else).
 * `value` re-sends an existing seal, so only a persistent cookie's Max-Age changes.
 */
export async function writeCookie(session: SessionData, now: number, { withLastActivity, value }: { withLastActivity: boolean; value?: string }): Promise<void> {
  const { policy } = config();
  // The seal's ttl spans the absolute lifetime from now; the deadlines checked on every request are what end the session.
  const { lastActivityAt, ...named } = session;
  const sealed = value ?? (await sealSession(withLastActivity ? { ...named, lastActivityAt } : named, cookieSecrets(), policy.absoluteMs / 1000));
  const maxAge = session.remember ? Math.ceil((deadlines(session, policy).endsAt - now) / 1000) : undefined;
  (await cookies()).set(cookieName(), sealed, { ...cookieAttributes(), ...(maxAge === undefined ? {} : { maxAge }) });
}

/** Route handlers and server actions only: expires the cookie in the browser. */
export async function clearSessionCookie(): Promise<void> {
  (await cookies()).set(cookieName(), '', { ...cookieAttributes(), maxAge: 0 });
}

/** For every sign-out answer: the browser drops what it cached while signed in (the back button shows no private page). */
export const CLEAR_CACHE = { 'Clear-Site-Data': '"cache"' } as const;
