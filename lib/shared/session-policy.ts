/**
 * The timing rules of a session, as pure functions of numbers (epoch milliseconds).
 * The server calls them on every request; the unit tests call them at exact boundaries.
 */

export const ROLES = ['user', 'admin'] as const;

/**
 * The lifetimes a server runs with when its settings name none (`SESSION_IDLE_TIMEOUT`, `SESSION_IDLE_TIMEOUT_ADMIN`,
 * `SESSION_WARNING_BEFORE`, `SESSION_ABSOLUTE_TIMEOUT`), in their settings' own spelling: config.ts parses them, and
 * the tests move their clocks by them, so a new default needs no other change.
 */
export const DEFAULT_LIFETIMES = { idle: '30m', idleAdmin: '8h', warningBefore: '5m', absolute: '12h' } as const;
export type Role = (typeof ROLES)[number];

export interface TimeoutPolicy {
  /** Idle lifetime per role: Flask's classic per-user PERMANENT_SESSION_LIFETIME, in one place. */
  idleMs: Record<Role, number>;
  /** Re-authentication is required this long after sign-in, however active the user is. */
  absoluteMs: number;
  /** How long before the idle deadline the warning opens. */
  warningBeforeMs: number;
}

export interface SessionTimes {
  role: Role;
  createdAt: number;
  lastActivityAt: number;
}

/** A session's deadlines on the server's clock (epoch ms); the browser has its own, from durations. */
export interface SessionDeadlines {
  idleAt: number;
  absoluteAt: number;
  /** The earlier of the two: when the session really ends. */
  endsAt: number;
}

/** Which deadline ended a session. (A store's end reasons are more: sign-out, revocation and the rest.) */
export type DeadlineReason = 'idle' | 'absolute';

export function deadlines(session: SessionTimes, policy: TimeoutPolicy): SessionDeadlines {
  const idleAt = session.lastActivityAt + policy.idleMs[session.role];
  const absoluteAt = session.createdAt + policy.absoluteMs;
  return { idleAt, absoluteAt, endsAt: Math.min(idleAt, absoluteAt) };
}

/** Why the session has ended at `now`, or `null` while it is alive. A deadline is exclusive: at it, the session is over. */
export function deadlinePassed(session: SessionTimes, now: number, policy: TimeoutPolicy): DeadlineReason | null {
  const { idleAt, absoluteAt } = deadlines(session, policy);
  if (now < idleAt && now < absoluteAt) return null;
  return absoluteAt <= idleAt ? 'absolute' : 'idle';
}

/**
 * The new last-activity time after the client reports that the user was last active `idleMs` ago.
 * Reporting a duration rather than a timestamp makes the client's clock irrelevant. The result never
 * moves backwards (a stale report cannot shorten the session) nor into the future (a hostile one
 * cannot lengthen it); the absolute deadline is untouched because it depends on `createdAt` only.
 */
export function slideLastActivity(session: SessionTimes, now: number, idleMs: number): number {
  const reported = now - Math.max(0, idleMs);
  return Math.min(now, Math.max(session.lastActivityAt, reported));
}
