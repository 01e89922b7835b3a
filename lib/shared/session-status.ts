/**
 * The public shape of a session, shared by the route handlers and the client.
 * No secrets here: client components import this module.
 */
import type { Role } from './session-policy';

/**
 * Why a session ended: one word, the same in its record, in the status answer, in the login page's address and as
 * its event's kind. `signed-out`: the user pressed Sign out. `signed-out-elsewhere`: the user pressed "Sign out other
 * sessions" on another device. `ended-by-admin`: an administrator pressed End session. `replaced`: the same browser
 * signed in again. `session-limit`: the account signed in in more places than it may, and this session was the one
 * used least recently. `signed-out-at-provider`: the OpenID provider said, by back-channel logout, that the
 * sign-in behind the session has ended there. `idle` and `absolute`: a deadline passed.
 */
export const END_REASONS = ['signed-out', 'idle', 'absolute', 'signed-out-elsewhere', 'ended-by-admin', 'replaced', 'session-limit', 'signed-out-at-provider'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Why a request has no session: its session ended (an end reason), it carries none, or what it carries cannot be read. */
export const NO_SESSION_REASONS = [...END_REASONS, 'no-session', 'invalid'] as const;
export type NoSessionReason = (typeof NO_SESSION_REASONS)[number];

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

export interface NoSessionStatus {
  authenticated: false;
  reason: NoSessionReason;
}

export type SessionStatus = ActiveStatus | NoSessionStatus;

export function isNoSessionReason(value: unknown): value is NoSessionReason {
  return typeof value === 'string' && (NO_SESSION_REASONS as readonly string[]).includes(value);
}

export function isEndReason(value: unknown): value is EndReason {
  return typeof value === 'string' && (END_REASONS as readonly string[]).includes(value);
}
