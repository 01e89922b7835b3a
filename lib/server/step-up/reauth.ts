import 'server-only';
import { cookies } from 'next/headers';
import type { Ok, Refused, Result } from '../../shared/result';
import { config } from '../config';
import { getSession, keepAlive, type ActiveSession } from '../session/session';
import { recordEvent } from '../events/event-log';
import type { EventDetails } from '../../shared/session-events';
import { checkCredentials, firstRefusal, type ClientInfo, type CredentialCheck } from '../sign-in/sign-in';
import { sessionStore } from '../stores';

/**
 * Sensitive actions ask the user to prove again that they are there (OWASP ASVS 3.3.4, 3.7.1): ending other
 * sessions, and everything on the admin page. A stolen or unattended cookie alone is then not enough for them.
 */



export type FreshnessRefusal = 'no-session' | 'reauthenticate';

/**
 * The request's session if its user signed in or re-authenticated within `SESSION_REAUTH_WITHIN`; else
 * `reauthenticate`, or `no-session`. The one check every sensitive action and the admin page make.
 */
export async function requireRecentAuthentication(): Promise<Result<ActiveSession, FreshnessRefusal>> {
  const read = await getSession();
  if (!read.ok) return { ok: false, reason: 'no-session' };
  // The record, not the request's cached read: a confirmation earlier in this same request counts.
  const record = await sessionStore().get(read.value.session.sessionId);
  if (!record || record.endReason !== undefined) return { ok: false, reason: 'no-session' };
  const fresh = Date.now() - record.authenticatedAt < config().reauthWithinMs;
  return fresh ? { ok: true, value: read.value } : { ok: false, reason: 'reauthenticate' };
}

export type ConfirmOutcome = Ok<undefined> | Exclude<CredentialCheck, { ok: true }> | Refused<'no-session'>;

/**
 * The user of this session typed their password again. It is checked behind the sign-in throttle, and a
 * success is activity (the idle deadline slides, as a keep-alive would move it) and a new proof of
 * presence; the absolute deadline stays where it was and the session stays the same one.
 */
export async function confirmPresence(password: string, client: ClientInfo): Promise<ConfirmOutcome> {
  const read = await getSession();
  if (!read.ok) return { ok: false, reason: 'no-session' };
  const checked = await checkCredentials({ username: read.value.user.username, password }, client);
  const about = { username: read.value.user.username, sessionId: read.value.session.sessionId, actor: { by: 'user' } } as const;
  if (!checked.ok) {
    // A wrong password is a password check, as many as the throttle allows; past it, one event per key and window.
    const reason = checked.reason === 'throttled' ? 'throttled' : 'wrong-password';
    if (checked.reason !== 'throttled' || firstRefusal('confirmation', checked)) {
      await recordEvent({ ...about, kind: 'reauthentication-failed', details: { address: client.address, userAgent: client.userAgent, reason } });
    }
    return checked;
  }
  return presenceProven(read.value, { address: client.address, userAgent: client.userAgent });
}

/**
 * The user of `session` proved again, at the OpenID provider, that they are there (oidc/sign-in.ts checked that the
 * provider's fresh authentication names this session's own person): as a confirmed password would.
 */
export function confirmedElsewhere(session: ActiveSession, { userAgent, provider }: { userAgent: string; provider: string }): Promise<Ok<undefined> | Refused<'no-session'>> {
  return presenceProven(session, { userAgent, provider });
}

/** A confirmation at the OpenID provider that proved nothing for this session (`reason`: `another-person`, `stale`). */
export async function confirmationRefused(session: ActiveSession, { userAgent, provider, reason }: { userAgent: string; provider: string; reason: string }): Promise<void> {
  await recordEvent({ username: session.user.username, sessionId: session.session.sessionId, actor: { by: 'user' }, kind: 'reauthentication-failed', details: { userAgent, provider, reason } });
}

/**
 * A new proof of presence: activity (the idle deadline slides, as a keep-alive would move it), the session's
 * authentication time now, and its event; the absolute deadline stays where it was and the session the same one.
 */
async function presenceProven(session: ActiveSession, details: EventDetails): Promise<Ok<undefined> | Refused<'no-session'>> {
  const kept = await keepAlive(0, await cookies());
  if (!kept.ok) return { ok: false, reason: 'no-session' };
  const at = Date.now();
  const record = await sessionStore().markAuthenticated(session.session.sessionId, at);
  if (!record || record.endReason !== undefined) return { ok: false, reason: 'no-session' };
  await recordEvent({ username: session.user.username, sessionId: session.session.sessionId, actor: { by: 'user' }, kind: 'reauthenticated', at, details });
  return { ok: true, value: undefined };
}
