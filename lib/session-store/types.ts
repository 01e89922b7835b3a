import type { Role } from '../session-policy';

/** Why a session record ended. The cookie that names it then reads as signed out, with this reason. */
export const END_REASONS = ['signed-out', 'idle', 'absolute', 'revoked'] as const;
export type EndReason = (typeof END_REASONS)[number];

export interface SessionRecord {
  id: string;
  username: string;
  role: Role;
  createdAt: number;
  lastActivityAt: number;
  /** The earlier of the idle and absolute deadlines: after it the record no longer counts as active. */
  expiresAt: number;
  /** When the store may forget the record. Until then a replayed cookie learns why its session ended. */
  purgeAt: number;
  remember: boolean;
  userAgent: string;
  endedAt?: number;
  endReason?: EndReason;
}

export type NewSessionRecord = Omit<SessionRecord, 'endedAt' | 'endReason'>;

/** The sign-in attempts counted under one key in its current fixed window. */
export interface AttemptCount {
  /** Attempts counted in the window: the ones that failed and the ones still being checked. */
  count: number;
  /** How many of them failed. */
  failures: number;
  /** When the window closes (epoch ms). It names the window too: an outcome for another window changes nothing. */
  resetAt: number;
}

/**
 * Where session records and sign-in failures live: SQLite in a local file by default, Redis when
 * several app instances must share them. Every method is atomic on its own, so a keep-alive racing a
 * sign-out cannot revive the record: `touch` never changes an ended record.
 */
export interface SessionStore {
  readonly kind: 'sqlite' | 'redis';
  create(record: NewSessionRecord): Promise<void>;
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * Moves last activity forward (never back) and the expiry with it, unless the record has ended.
   * Returns the record as it now is, ended or not, or `undefined` when there is none.
   */
  touch(id: string, lastActivityAt: number, expiresAt: number): Promise<SessionRecord | undefined>;
  /** Ends the record; the first reason wins. Returns the record as it now is. */
  end(id: string, reason: EndReason, at: number): Promise<SessionRecord | undefined>;
  /** Ends every active record of `username` except `keepId`; returns how many ended. */
  endOthers(username: string, keepId: string, reason: EndReason, at: number): Promise<number>;
  /** Records not ended and not expired at `now`, newest activity first. */
  listByUser(username: string, now: number): Promise<SessionRecord[]>;
  listAll(now: number): Promise<SessionRecord[]>;
  /** Forgets what is past its purge time; returns how many records went. */
  purgeExpired(now: number): Promise<number>;
  /**
   * Counts a sign-in attempt under `key` before its password is checked, in one atomic step, so that
   * attempts arriving together each see the ones before them. The window opens with the first attempt.
   */
  reserveAttempt(key: string, windowMs: number, now: number): Promise<AttemptCount>;
  /** The attempt reserved in the window ending at `resetAt` failed: it stays counted, as a failure. */
  failAttempt(key: string, resetAt: number): Promise<void>;
  /** The attempt no longer counts (it was refused, or it succeeded); `forgetFailures` forgets the window's failures too. */
  releaseAttempt(key: string, resetAt: number, forgetFailures?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The store could not be reached or did not answer: the request fails with 503, nothing is decided. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('The session store is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

export function byLastActivity(a: SessionRecord, b: SessionRecord): number {
  return b.lastActivityAt - a.lastActivityAt;
}
