// No 'server-only' marker: no secret lives here (callers pass them in), so the tests seal cookies with it too. Lint keeps the browser out.
import { createHash } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { z } from 'zod';
import type { Result } from '../../shared/result';
import { ROLES } from '../../shared/session-policy';

/**
 * Seals with the current secret and unseals with the current or the previous one.
 *
 * Each secret's password id is derived from the secret itself rather than numbered 1 and 2: after a
 * second rotation the old "current" becomes "previous" and keeps its id, so the cookies it sealed keep
 * working. iron-session seals with the highest id of the map it is given, so sealing uses a map that
 * holds only the current secret.
 */
export function passwordId(secret: string): number {
  return Number.parseInt(createHash('sha256').update(secret).digest('hex').slice(0, 8), 16) + 1;
}

export interface Secrets {
  current: string;
  previous?: string;
}

/** `expired`: sealed longer ago than the ttl allows. `invalid`: not a seal of ours, or tampered with. */
export type SealRefusal = 'expired' | 'invalid';
const INVALID = { ok: false, reason: 'invalid' } as const;

export interface Unsealed {
  data: unknown;
  /** True when another secret than the current one sealed it: reseal at the next write. */
  stale: boolean;
}

/**
 * The one spelling of a seal that iron-session writes here: iron-webcrypto's
 * `Fe26.2*<password id>*<salt>*<iv>*<data>*<expiry>*<hmac salt>*<hmac>` (hex salts of 256 bits, a 128-bit IV,
 * base64url without padding, a SHA-256 HMAC) and iron-session's `~2`. Anything else is refused before any crypto:
 * iron-session ignores all that follows the first `~` (and a missing suffix), and the HMAC cannot cover its own
 * spelling, which base64 decoders read leniently (spare bits, padding, whitespace, the other alphabet). Without
 * this check thousands of different strings would read as the same session.
 */
const SEAL_FORMAT = /^Fe26\.2\*[1-9]\d{0,15}\*[0-9a-f]{64}\*[\w-]{22}\*[\w-]+\*[1-9]\d{0,15}\*[0-9a-f]{64}\*([\w-]{43})~2$/;

export function isWellFormedSeal(value: string): boolean {
  const digest = SEAL_FORMAT.exec(value)?.[1];
  // 32 bytes take 43 characters with two spare bits in the last one: only the spelling with them at zero was written.
  return digest !== undefined && Buffer.from(digest, 'base64url').toString('base64url') === digest;
}

// `Fe26.2*<password id>*...`: the id iron-session wrote tells which secret sealed the cookie.
function sealedWith(seal: string): string | undefined {
  return seal.split('*', 2)[1];
}

export function seal(data: Record<string, unknown>, secrets: Secrets, ttlS: number): Promise<string> {
  return sealData(data, { password: { [passwordId(secrets.current)]: secrets.current }, ttl: ttlS });
}

/** The payload, `'expired'` when the seal's ttl has passed, or `undefined` for anything unreadable or not spelled exactly as written. */
export async function unseal(value: string, secrets: Secrets, ttlS: number): Promise<Result<Unsealed, SealRefusal>> {
  if (!isWellFormedSeal(value)) return INVALID;
  const currentId = passwordId(secrets.current);
  const passwords: Record<number, string> = { [currentId]: secrets.current };
  if (secrets.previous) passwords[passwordId(secrets.previous)] = secrets.previous;
  let expired = false;
  try {
    const data = await unsealData(value, {
      password: passwords,
      ttl: ttlS,
      onUnsealError: (reason) => {
        expired = reason === 'expired';
      },
    });
    if (expired) return { ok: false, reason: 'expired' };
    if (data === null || typeof data !== 'object' || Object.keys(data).length === 0) return INVALID;
    return { ok: true, value: { data, stale: sealedWith(value) !== String(currentId) } };
  } catch {
    return INVALID;
  }
}

/**
 * What the session cookie carries, in its short wire names (`sid`, `sub`: small cookies, and the names
 * iron-session's examples use). Only this module spells them; everyone else sees `CookieSession`.
 * Version 2 names a record in the store; version 3 (`SESSION_STORE=cookie`) is the whole session, with the
 * last activity (`last`) that a record would otherwise hold. A server reads only its own mode's version.
 */
const RecordCookie = z.object({
  v: z.literal(2),
  /** Fresh for every sign-in (no fixation); the key of the server-side record. */
  sid: z.uuid(),
  sub: z.string().min(1),
  role: z.enum(ROLES),
  createdAt: z.number().int().nonnegative(),
  /** "Keep me signed in": a persistent cookie rather than a browser-session one. */
  remember: z.boolean(),
});
const StatelessCookie = RecordCookie.extend({ v: z.literal(3), last: z.number().int().nonnegative() });
const CookiePayload = z.discriminatedUnion('v', [RecordCookie, StatelessCookie]);

export interface CookieSession {
  sessionId: string;
  username: string;
  role: (typeof ROLES)[number];
  createdAt: number;
  remember: boolean;
  /** Only in a stateless cookie (`SESSION_STORE=cookie`): the last activity, resealed at every keep-alive. */
  lastActivityAt?: number;
}

export function sealSession(session: CookieSession, secrets: Secrets, ttlS: number): Promise<string> {
  const { sessionId, username, role, createdAt, remember, lastActivityAt } = session;
  const payload = { sid: sessionId, sub: username, role, createdAt, remember };
  return seal(lastActivityAt === undefined ? { v: 2, ...payload } : { v: 3, ...payload, last: lastActivityAt }, secrets, ttlS);
}

/** The session a cookie names, `'expired'` past the seal's ttl, or `undefined` for anything else. */
export async function unsealSession(value: string, secrets: Secrets, ttlS: number): Promise<Result<{ session: CookieSession; stale: boolean }, SealRefusal>> {
  const unsealed = await unseal(value, secrets, ttlS);
  if (!unsealed.ok) return unsealed;
  const parsed = CookiePayload.safeParse(unsealed.value.data);
  if (!parsed.success) return INVALID;
  const { sid, sub, role, createdAt, remember } = parsed.data;
  const session: CookieSession = { sessionId: sid, username: sub, role, createdAt, remember };
  if (parsed.data.v === 3) session.lastActivityAt = parsed.data.last;
  return { ok: true, value: { session, stale: unsealed.value.stale } };
}
