/** The timing core's own types: its phases, the tabs' messages, what it publishes, what it needs from its host and what it offers. */
import type { Result } from '../shared/result';
import type { ActiveStatus, NoSessionReason } from '../shared/session-status';

/** `ended`: this page's session is over (signed out, timed out, ended elsewhere, or replaced by a newer one). */
export type Phase = 'active' | 'warning' | 'absolute-warning' | 'ended';

/**
 * Epoch milliseconds of this browser's clock, which all its tabs share. The server's clock belongs to
 * another machine, so what it says arrives as durations and becomes these deadlines on receipt.
 */
export interface LocalDeadlines {
  idleAt: number;
  absoluteAt: number;
  /** How long before either deadline its warning opens. */
  warningBeforeMs: number;
}

/** Messages between the tabs of one session; their times are epoch milliseconds of this browser's clock. */
export type TabMessage =
  /** At the warning point: when did you last see the user? */
  | { type: 'query'; from: string; lastActivity: number }
  /** The answer to tab `to`; `busy` when the answering tab is itself deciding or reporting, so the asker leaves it to that tab. */
  | { type: 'activity'; from: string; to: string; lastActivity: number; busy: boolean }
  /** A keep-alive covering activity up to `reportedActivity` moved the deadlines. */
  | { type: 'extended'; from: string; reportedActivity: number; deadlines: LocalDeadlines }
  | { type: 'warning'; from: string }
  /** The session ended, for `reason`. */
  | { type: 'ended'; from: string; reason: NoSessionReason };

export interface TimeoutSnapshot {
  phase: Phase;
  /** Whole seconds left until `warningEndsAt`, while a warning is open. */
  secondsLeft: number;
  /** The deadline the open warning counts down to, on this browser's clock; 0 when none is open. */
  warningEndsAt: number;
  /** A keep-alive is on its way (the dialog's button says so, and ignores presses meanwhile). */
  extending: boolean;
  /** The last keep-alive did not reach the server; it is retried with backoff. */
  keepAliveFailed: boolean;
}

/** Before the controller has run, and on the server, which renders no timer. */
export const INITIAL_SNAPSHOT: TimeoutSnapshot = Object.freeze({
  phase: 'active',
  secondsLeft: 0,
  warningEndsAt: 0,
  extending: false,
  keepAliveFailed: false,
});

/** What a keep-alive came to: the session's new status, why it has ended, or `unreachable` (no usable answer: retried). */
export type KeepAliveResult = Result<ActiveStatus, NoSessionReason | 'unreachable'>;

export interface TimeoutEnvironment {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** POST /api/session/keep-alive with `{ idleMs }`. Must resolve, never reject. */
  keepAlive(idleMs: number): Promise<KeepAliveResult>;
  /**
   * Leaves for the login page, which says why; first ends the session on the server when `endOnServer`. Called
   * once, after any keep-alive in flight has settled, so a late answer cannot revive the cookie.
   */
  leave(reason: NoSessionReason, options: { endOnServer: boolean }): void;
  /**
   * The browser now holds another session (someone signed in again, in another tab): reloads, so the
   * server renders the page for that session. Called once; this tab's timer has stopped for good.
   */
  reload(): void;
}

/** The timer a page holds. Every member is a plain function: hand it to a listener as it is. */
export interface TimeoutController {
  /** `broadcast` reaches the other tabs of this session; without it this tab acts alone. */
  start: (broadcast?: (message: TabMessage) => void) => void;
  /** Cancels the timer; the owner removes its DOM listeners and closes the channel. A stopped controller does nothing. */
  stop: () => void;
  subscribe: (listener: () => void) => () => void;
  getSnapshot: () => TimeoutSnapshot;
  /**
   * The hot path: one number, no timers, no messages, no rendering. It never closes an open warning:
   * only the dialog's buttons do, and activity is reported to the server only at the warning point.
   */
  noteActivity: () => void;
  staySignedIn: () => void;
  /** Closes the absolute warning; nothing can move that deadline, so it does not reopen. */
  continueWorking: () => void;
  /** The user pressed Sign out (the dialog's "Log out now", or the page's button). */
  signOut: () => void;
  /** Re-reads the clock: on every timer and whenever the page may have been asleep or hidden. */
  check: () => void;
  /** A message from another tab of this session. */
  receive: (message: TabMessage) => void;
}
