import 'server-only';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { Ok, Refused } from '../../shared/result';
import { endAndRecord } from '../events/event-log';
import { sessionStore, type ProviderMatch } from '../stores';
import { isProviderClaim, providerUser } from './accounts';
import { CLOCK_TOLERANCE_S, isUnreachable, oidcSettings, providerConfiguration } from './provider';

/**
 * OpenID Connect Back-Channel Logout 1.0: the provider posts a signed logout token when a person's sign-in there ends
 * (they signed out, or its administrator ended it), and every session of this app that sign-in started ends too,
 * written down and announced to its screens like any other end. The token is checked as §2.6 asks: its signature
 * against the provider's published keys, `iss`, `aud`, `iat` recent, the back-channel event, no `nonce`, a `sid` or
 * a `sub`, and a `jti` this deployment has not seen before (kept in the session store, so every instance refuses a
 * replay).
 */

/** The member of `events` that makes a JWT a logout token. */
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * How old a logout token may be (by its `iat`): the provider posts it the moment the sign-in ends, and most send it
 * once; five minutes leaves room for one that tries again after a failure. An older one, even validly signed, is
 * refused, and its `jti` need be kept no longer.
 */
const TOKEN_MAX_AGE_S = 300;

/** How long, after the provider's keys could not be read, a logout token is answered 503 without asking again. */
const KEYS_RETRY_AFTER_MS = 5_000;

/**
 * The provider's keys, shared by every request: fetched when a token names one not yet known, at most every 30 s once
 * read (jose's cooldown). jose keeps no such pause after a failed fetch: `failedAt` does, so a stream of posted tokens
 * cannot make this server ask a provider that is down again and again (its discovery document, or its keys).
 */
let keys: { uri: string; set: ReturnType<typeof createRemoteJWKSet> } | undefined;
let unreachableAt: number | undefined;

function keySet(uri: string) {
  if (keys?.uri !== uri) keys = { uri, set: createRemoteJWKSet(new URL(uri), { timeoutDuration: 5_000, cooldownDuration: 30_000 }) };
  return keys.set;
}

/**
 * Why no session was ended: the token was refused (`malformed`, `signature`, `claims`, `replayed`: a 400), or nothing
 * could be decided (`unreachable`: the provider's keys could not be read, a 503 the provider may try again after).
 * For the log and the answer's status only; never what the token held.
 */
export type LogoutFailure = 'malformed' | 'signature' | 'claims' | 'replayed' | 'unreachable';


/** What the token asks to end, or why it is not a logout token (the signature and the standard claims are checked by then). */
function logoutClaims(payload: JWTPayload): ProviderMatch | undefined {
  const events = payload.events;
  const event = events !== null && typeof events === 'object' ? (events as Record<string, unknown>)[LOGOUT_EVENT] : undefined;
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  // A nonce would make it an ID token in disguise (§2.4), and a logout without a jti could be replayed unseen.
  if ('nonce' in payload || !isProviderClaim(payload.jti)) return undefined;
  const { sub, sid } = payload;
  if ((sub !== undefined && !isProviderClaim(sub)) || (sid !== undefined && !isProviderClaim(sid))) return undefined;
  if (isProviderClaim(sid)) return { sessionId: sid, ...(isProviderClaim(sub) ? { subject: sub } : {}) };
  return isProviderClaim(sub) ? { subject: sub } : undefined;
}

/** `typ` is optional (§2.4 says SHOULD); where it is given it must say logout token, so no other JWT of the provider's passes. */
function typedAsLogout(token: string): boolean {
  const { typ } = decodeProtectedHeader(token);
  return typ === undefined || /^(application\/)?logout\+jwt$/i.test(typ);
}

/** jose's error codes by what they say of the token; the keys' own failures mean nothing could be decided. */
const REFUSALS: Record<string, LogoutFailure> = {
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JOSE_NOT_SUPPORTED: 'malformed',
  ERR_JOSE_ALG_NOT_ALLOWED: 'signature',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature',
  ERR_JWKS_NO_MATCHING_KEY: 'signature',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'signature',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'claims',
  ERR_JWT_EXPIRED: 'claims',
  ERR_JWKS_TIMEOUT: 'unreachable',
  ERR_JWKS_INVALID: 'unreachable',
  // The key set's address answered, but not with 200.
  ERR_JOSE_GENERIC: 'unreachable',
};

function refusalOf(error: unknown): LogoutFailure {
  if (isUnreachable(error)) return 'unreachable';
  const code = (error as { code?: unknown } | undefined)?.code;
  return (typeof code === 'string' ? REFUSALS[code] : undefined) ?? 'malformed';
}

/**
 * Checks `token` and ends the sessions it names (with `signed-out-at-provider`, by the provider); how many it ended,
 * or why it ended none.
 */
export async function acceptLogoutToken(token: string, now = Date.now()): Promise<Ok<number> | Refused<LogoutFailure>> {
  const settings = oidcSettings();
  let payload: JWTPayload;
  try {
    if (!typedAsLogout(token)) return { ok: false, reason: 'malformed' };
    if (unreachableAt !== undefined && now - unreachableAt < KEYS_RETRY_AFTER_MS) return { ok: false, reason: 'unreachable' };
    const jwksUri = (await providerConfiguration()).serverMetadata().jwks_uri;
    if (!jwksUri) return { ok: false, reason: 'unreachable' };
    ({ payload } = await jwtVerify(token, keySet(jwksUri), {
      issuer: settings.issuer,
      audience: settings.clientId,
      maxTokenAge: TOKEN_MAX_AGE_S,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(now),
      requiredClaims: ['iat', 'exp', 'jti', 'events'],
    }));
    unreachableAt = undefined;
  } catch (error) {
    const failure = refusalOf(error);
    if (failure === 'unreachable') {
      unreachableAt = now;
      console.error('A logout token could not be checked: the provider\'s keys could not be read', error);
    }
    return { ok: false, reason: failure };
  }
  const match = logoutClaims(payload);
  if (!match) return { ok: false, reason: 'claims' };
  // Kept until the token could no longer pass the iat check anyway (jose reads the clock to the whole second: +1 s).
  const usableUntil = ((payload.iat ?? 0) + TOKEN_MAX_AGE_S + CLOCK_TOLERANCE_S + 1) * 1000;
  const jti = `logout-jti:${payload.jti}`;
  if (!(await sessionStore().useOnce(jti, Math.max(usableUntil, now + 1_000), now))) return { ok: false, reason: 'replayed' };
  try {
    return { ok: true, value: await endProviderSessions(match, settings.providerName, now) };
  } catch (error) {
    // Nothing, or not everything, was ended: the provider may send the same token again, and it must then be taken.
    await sessionStore().releaseOnce(jti).catch((release: unknown) => console.warn('A logout token\'s jti could not be released', release));
    throw error;
  }
}

async function endProviderSessions(match: ProviderMatch, providerName: string, now: number): Promise<number> {
  let ended = 0;
  for (const { id, username } of await sessionStore().providerSessions(match, now)) {
    // Only this provider's users: a session of a provider set before, whose subject happens to match, is not its to end.
    if (!providerUser(username)) continue;
    const record = await endAndRecord(id, 'signed-out-at-provider', now, { by: 'provider', name: providerName }, username);
    if (record?.endedNow) ended += 1;
  }
  return ended;
}
