// No 'server-only' marker: the stores import it, and the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import type { EventKind } from '../../shared/session-events';
import type { Role } from '../../shared/session-policy';
import type { EndReason } from '../../shared/session-status';
import type { SessionEvent } from './event-schema';

export type { EndReason };

/** How long a record is kept after it ended, or after its deadline if nothing ended it sooner: a replayed cookie still learns why. */
export const KEEP_ENDED_MS = 60 * 60_000;

/** How long a request waits for a connection to the store before it fails with 503 instead of hanging. */
export const CONNECT_WAIT_MS = 1_500;

/** How long session events are kept unless `SESSION_EVENTS_RETENTION` says otherwise. */
export const EVENTS_RETENTION_MS = 30 * 86_400_000;

export interface StoreOptions {
  /** `KEEP_ENDED_MS` unless a test needs records to go sooner. */
  keepEndedMs?: number;
  /** `SESSION_EVENTS_RETENTION`: events older than this are never listed, and the sweep deletes them. */
  eventsRetentionMs?: number;
}

export interface SessionRecord {
  id: string;
  username: string;
  role: Role;
  createdAt: number;
  lastActivityAt: number;
  /**
   * When the user last proved who they are here: the sign-in, or a later re-authentication. Sensitive actions
   * ask again when it is older than `SESSION_REAUTH_WITHIN`.
   */
  authenticatedAt: number;
  /** The earlier of the idle and absolute deadlines: after it the record no longer counts as active. */
  expiresAt: number;
  /**
   * When the store forgets the record, kept by the store itself: `keepEndedMs` after it ended, or after its
   * expiry if it has not ended. Until then a replayed cookie learns why its session ended.
   */
  purgeAt: number;
  remember: boolean;
  userAgent: string;
  endedAt?: number;
  endReason?: EndReason;
  /**
   * A session signed in through the OpenID provider: its `sub`, the provider's own session (`sid`, when it sends one),
   * and the ID token, the hint a sign-out at the provider needs. A back-channel logout names the first two.
   */
  providerLink?: ProviderLink;
}

/** What ties a session to the provider's sign-in behind it. */
export interface ProviderLink {
  subject: string;
  sessionId?: string;
  idToken: string;
}

/** Which sessions a back-channel logout ends: those of the provider's session `sessionId` when it names one, else all of `subject`'s. */
export type ProviderMatch = { subject: string; sessionId?: string } | { subject?: string; sessionId: string };

/** One session, by the two names a store finds it with. */
export interface SessionKey {
  id: string;
  username: string;
}

/**
 * What `end` answers: the record as it now is, and whether this call is what ended it (`false`: something ended it
 * before, and the first end stands). Calls that arrive together with the same reason in the same millisecond leave
 * the same record: only this tells the one that ended it, which alone writes the event.
 */
export type EndedRecord = SessionRecord & { endedNow: boolean };

export type NewSessionRecord = Omit<SessionRecord, 'endedAt' | 'endReason' | 'purgeAt'>;

/** One page of a listing: `limit` records after the first `offset`. */
export interface PageRequest {
  offset: number;
  limit: number;
}

export interface SessionPage {
  records: SessionRecord[];
  /**
   * How many active records the whole listing holds, counted on the index alone. A record the store cannot
   * read (see record-schema.ts) still counts there but is never listed: the total is then one too high per
   * such record, and its page one short. Reading every row to count would undo the index.
   */
  total: number;
}

/** Which events a listing holds: one user's, one kind's, or both; everyone's of every kind when neither is given. */
export interface EventFilter {
  username?: string;
  kind?: EventKind;
}

export interface EventPage {
  /** The newest first; equal times by id, the last first. */
  events: SessionEvent[];
  /** How many events the whole listing holds within the retention. */
  total: number;
}

/** Where session events are kept, beside the sessions themselves. */
export interface EventStore {
  /** Keeps one event. One older than the retention is never listed, and the next sweep deletes it. */
  appendEvent(event: SessionEvent): Promise<void>;
  /** One page of the events within the retention at `now` that match `filter`, the newest first, from an index. */
  listEvents(filter: EventFilter, now: number, page: PageRequest): Promise<EventPage>;
  /** Deletes the events older than the retention at `now`; returns how many went. */
  purgeEvents(now: number): Promise<number>;
}

/** A session whose expiry has passed without an end, as the expiry index names it. */
export type LapsedEntry = SessionKey;

/**
 * How long the reservations of attempts still being checked count, after the latest of them: far longer than a
 * password check takes, even with many at once, and far shorter than any window. A reservation that is never
 * released (a release lost while the store flapped, a process that died during the check) then stops counting on
 * its own, rather than keeping a user who made no mistake waiting, and refused, until the window closes.
 */
export const RESERVATION_HOLD_MS = 10_000;

/** The sign-in attempts counted under one key in its current fixed window. */
export interface AttemptCount {
  /**
   * Attempts counted in the window: the ones that failed and the ones still being checked, these only until
   * `RESERVATION_HOLD_MS` after the latest reservation.
   */
  count: number;
  /** How many of them failed. */
  failures: number;
  /** When the window closes (epoch ms). It names the window too: an outcome for another window changes nothing. */
  resetAt: number;
}

/** Where sign-in attempts are counted: the session store, or the process itself when there is none (`SESSION_STORE=cookie`). */
export interface AttemptStore {
  /**
   * Counts a sign-in attempt under `key` before its password is checked, in one atomic step, so that
   * attempts arriving together each see the ones before them. The window opens with the first attempt.
   * Reservations older than `RESERVATION_HOLD_MS` with none after them no longer count.
   */
  reserveAttempt(key: string, windowMs: number, now: number): Promise<AttemptCount>;
  /**
   * The attempt reserved in the window ending at `resetAt` failed: it stays counted, as a failure, even when its
   * reservation lapsed and the key was forgotten meanwhile.
   */
  failAttempt(key: string, resetAt: number): Promise<void>;
  /**
   * The attempt no longer counts (it was refused, or it succeeded); `forgetFailures` forgets the window's failures
   * too. A key left with nothing counted is forgotten: a name that was only ever refused leaves nothing behind.
   */
  releaseAttempt(key: string, resetAt: number, forgetFailures?: boolean): Promise<void>;
}

/** A session ended, as every instance hears it: which, whose, and why. */
export interface EndNotice {
  id: string;
  username: string;
  reason: EndReason;
}

/**
 * How the instances of a deployment tell each other that a session ended, through the store they share, so a
 * screen open on any of them can leave at once. Fire and forget: an instance that was not listening (its
 * connection down, a restart) hears nothing of what it missed, and its screens re-check their session instead.
 */
export interface EndChannel {
  /** Tells every instance listening for `notice.username`, this one included. */
  announceEnd(notice: EndNotice): Promise<void>;
  /** Calls `onEnd` for every end of `username`'s sessions that any instance announces, until the returned stop. */
  listenForEnds(username: string, onEnd: (notice: EndNotice) => void): Promise<() => Promise<void>>;
}

/**
 * Where session records and sign-in failures live: SQLite in a local file by default, Redis when
 * several app instances must share them. Every method is atomic on its own, so a keep-alive racing a
 * sign-out cannot revive the record: `touch` never changes an ended record.
 */
export interface SessionStore extends AttemptStore, EventStore, EndChannel {
  /**
   * Creates the record and, in the same atomic step, ends the user's least recently active sessions so that
   * at most `maxActive` stay active, this one included (reason `session-limit`). Returns the records it ended.
   */
  create(record: NewSessionRecord, maxActive: number): Promise<SessionRecord[]>;
  /**
   * `username`, where the caller knows it (the cookie names it), lets a store find the record without a
   * lookup by id alone (Redis keeps one user's keys in one hash slot); a record of another user is then none.
   * For `touch` and `end` it is the user the caller read the record with.
   */
  get(id: string, username?: string): Promise<SessionRecord | undefined>;
  /**
   * Moves last activity forward (never back) and the expiry with it, unless the record has ended or its
   * expiry is not after `now`: a keep-alive that read the record just before its deadline and arrives just
   * after cannot revive it. Returns the record as it now is, changed or not, or `undefined` when there is none.
   */
  touch(id: string, lastActivityAt: number, expiresAt: number, now: number, username?: string): Promise<SessionRecord | undefined>;
  /** Ends the record; the first reason wins. Returns the record as it now is, and whether this call ended it. `username` as for `get`. */
  end(id: string, reason: EndReason, at: number, username?: string): Promise<EndedRecord | undefined>;
  /**
   * The user proved who they are again at `at`: moves `authenticatedAt` forward (never back), unless the record
   * has ended or its expiry is not after `at`. Touches nothing else. Returns the record as it now is, or `undefined`.
   */
  markAuthenticated(id: string, at: number, username?: string): Promise<SessionRecord | undefined>;
  /** Ends every active record of `username` except `keepId`; returns the records it ended. */
  endOthers(username: string, keepId: string, reason: EndReason, at: number): Promise<SessionRecord[]>;
  /**
   * Ends the record at its own expiry, `absolute` when that expiry is the absolute deadline (`createdAt +
   * absoluteMs`) and `idle` otherwise, in one atomic step and only if it has not ended and its expiry is not
   * after `now`: a keep-alive that got there first keeps it alive, and of two callers only one ends it.
   * Returns the record as this call ended it, or `undefined` when this call ended nothing.
   */
  lapse(id: string, username: string, now: number, absoluteMs: number): Promise<SessionRecord | undefined>;
  /** Up to `limit` records whose expiry is not after `now` and that have not ended, the earliest first, from the expiry index. */
  lapsedSince(now: number, limit: number): Promise<LapsedEntry[]>;
  /**
   * One page of the records not ended and not expired at `now`, the latest expiry first (for one role, the
   * most recently active first), and how many there are in all; both come from an index, never a scan.
   */
  listByUser(username: string, now: number, page: PageRequest): Promise<SessionPage>;
  listAll(now: number, page: PageRequest): Promise<SessionPage>;
  /**
   * The active sessions (not ended, expiry after `now`) that `match` names: with a `sessionId`, those of that provider
   * session (and of `subject` too, when given); with only a `subject`, all of its sessions. From an index, never a scan.
   */
  providerSessions(match: ProviderMatch, now: number): Promise<SessionKey[]>;
  /**
   * Notes `key` as used until `expiresAt`, in one atomic step: `true` for the first call, `false` for every later one
   * before then, on every instance sharing the store (a logout token's `jti`, so a replay is refused anywhere).
   */
  useOnce(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Forgets a use of `key`, so it may be used again: for a use whose work failed, which its sender will try again. */
  releaseOnce(key: string): Promise<void>;
  /** Forgets what is past its purge time; returns how many records went. */
  purgeExpired(now: number): Promise<number>;
  close(): Promise<void>;
}

/** The store could not be reached or did not answer: the request fails with 503, nothing is decided. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('The session store is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
