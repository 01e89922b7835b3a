/**
 * The public shape of a session, shared by the route handlers and the client.
 * No secrets here: client components import this module.
 */
import type { Role } from './session-policy';

/**
 * `revoked`: ended by the user from another device ("Sign out other sessions") or by an administrator.
 * `replaced`: the same browser signed in again. `session-limit`: the account signed in in more places than
 * it may, and this session was the one used least recently.
 */
export const SIGNED_OUT_REASONS = ['none', 'idle', 'absolute', 'invalid', 'signed-out', 'revoked', 'replaced', 'session-limit'] as const;
export type SignedOutReason = (typeof SIGNED_OUT_REASONS)[number];

export interface ActiveStatus {
  authenticated: true;
  user: { username: string; role: Role };
  /** Durations, not timestamps: the client adds them to its own clock on receipt. */
  idleExpiresInMs: number;
  absoluteExpiresInMs: number;
  warningBeforeMs: number;
  /** The role's idle lifetime, so the page can tell the user how long inactivity may last. */
  idleTimeoutMs: number;
  /** Names this session to the other tabs (a hash of its id, not the id): tabs of another session ignore it. */
  sessionTag: string;
}

export interface SignedOutStatus {
  authenticated: false;
  reason: SignedOutReason;
}

export type SessionStatus = ActiveStatus | SignedOutStatus;

export function isSignedOutReason(value: unknown): value is SignedOutReason {
  return typeof value === 'string' && (SIGNED_OUT_REASONS as readonly string[]).includes(value);
}
