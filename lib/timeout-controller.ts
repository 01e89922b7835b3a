/**
 * The client's session timer, free of React and of the DOM so it can be unit-tested with fake time.
 *
 *   active ──(warning point, user idle)──> warning ──(deadline)──> signed-out
 *     ^  └──(warning point, user was active: report it, stay active)       ^
 *     └──────────────(Stay signed in: keep-alive succeeds)── warning        │
 *   any phase ──(absolute deadline, or the server says the session ended)───┘
 *
 * It works from absolute local deadlines, never from countdowns, so a throttled background timer or a
 * sleeping laptop only delays a check; `check()` is called again when the page wakes up.
 */
import type { ActiveStatus, SignedOutReason } from './session-status';

export type Phase = 'active' | 'warning' | 'signed-out';

export interface TimeoutSnapshot {
  phase: Phase;
  /** Whole seconds until sign-out, counted while the warning is open. */
  secondsLeft: number;
  /** A keep-alive is on its way (the dialog disables its button meanwhile). */
  extending: boolean;
  /** The last keep-alive did not reach the server; it is retried with backoff. */
  keepAliveFailed: boolean;
}

export type KeepAliveResult =
  | { kind: 'extended'; status: ActiveStatus }
  | { kind: 'ended'; reason: SignedOutReason }
  | { kind: 'failed' };

export interface TimeoutEnvironment {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** POST /api/session/keep-alive with `{ idleMs }`. Must resolve, never reject. */
  keepAlive(idleMs: number): Promise<KeepAliveResult>;
  /** Called once, after any keep-alive in flight has settled, so a late answer cannot revive the cookie. */
  signOut(reason: SignedOutReason): void;
}

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;
// Browsers run a setTimeout longer than 2^31-1 ms at once.
const MAX_TIMER_MS = 2_147_483_647;

export class TimeoutController {
  readonly #env: TimeoutEnvironment;
  #idleDeadline = 0;
  #absoluteDeadline = 0;
  #warningBeforeMs = 0;
  /** When this tab last saw the user act, and the newest such moment the server has heard of. */
  #lastActivity = 0;
  #reportedActivity = 0;
  #phase: Phase = 'active';
  #timer: unknown;
  #inFlight: Promise<void> | undefined;
  #failures = 0;
  #retryAt = 0;
  #stopped = true;
  #snapshot: TimeoutSnapshot = { phase: 'active', secondsLeft: 0, extending: false, keepAliveFailed: false };
  readonly #listeners = new Set<() => void>();

  constructor(status: ActiveStatus, env: TimeoutEnvironment) {
    this.#env = env;
    this.#apply(status);
  }

  start(): void {
    this.#stopped = false;
    this.check();
  }

  /** Cancels the timer; the owner removes its DOM listeners. A stopped controller does nothing. */
  stop(): void {
    this.#stopped = true;
    this.#env.clearTimer(this.#timer);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): TimeoutSnapshot => this.#snapshot;

  /**
   * The hot path: one number, no timers, no rendering. It never closes an open warning: only the
   * dialog's buttons do, and activity is reported to the server only from the active phase.
   */
  recordActivity = (): void => {
    this.#lastActivity = this.#env.now();
  };

  staySignedIn = (): void => {
    if (this.#phase !== 'warning' || this.#inFlight) return;
    this.#lastActivity = this.#env.now();
    this.#report();
  };

  logOut = (): void => this.#end('signed-out');

  /** Re-reads the clock: on every timer and whenever the page may have been asleep or hidden. */
  check = (): void => {
    if (this.#stopped || this.#phase === 'signed-out') return;
    const now = this.#env.now();
    if (now >= this.#absoluteDeadline) return this.#end('absolute');
    if (now >= this.#idleDeadline) return this.#end('idle');

    const inWarningWindow = now >= this.#idleDeadline - this.#warningBeforeMs;
    if (this.#phase === 'active' && inWarningWindow && !this.#inFlight) {
      if (this.#lastActivity > this.#reportedActivity && this.#failures === 0) this.#report();
      else this.#phase = 'warning';
    } else if (this.#failures > 0 && now >= this.#retryAt && !this.#inFlight) {
      this.#report();
    }
    this.#publish(now);
    this.#schedule(now);
  };

  #apply(status: ActiveStatus): void {
    // Durations from the server become deadlines on this clock now, so a wrong client clock changes nothing.
    const now = this.#env.now();
    this.#idleDeadline = now + status.idleExpiresInMs;
    this.#absoluteDeadline = now + status.absoluteExpiresInMs;
    this.#warningBeforeMs = status.warningBeforeMs;
  }

  #report(): void {
    const activity = this.#lastActivity;
    const idleMs = Math.max(0, this.#env.now() - activity);
    const request = this.#env.keepAlive(idleMs).then((result) => {
      this.#inFlight = undefined;
      if (this.#phase === 'signed-out') return;
      if (result.kind === 'ended') return this.#end(result.reason);
      if (result.kind === 'extended') {
        this.#apply(result.status);
        this.#reportedActivity = activity;
        this.#failures = 0;
        this.#phase = 'active';
      } else {
        this.#failures += 1;
        this.#retryAt = this.#env.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.#failures - 1));
        // A user whose activity could not be reported must see that the session is at risk.
        if (this.#env.now() >= this.#idleDeadline - this.#warningBeforeMs) this.#phase = 'warning';
      }
      this.check();
    });
    this.#inFlight = request;
    this.#publish(this.#env.now());
  }

  #end(reason: SignedOutReason): void {
    if (this.#phase === 'signed-out') return;
    this.#phase = 'signed-out';
    this.#env.clearTimer(this.#timer);
    this.#publish(this.#env.now());
    const inFlight = this.#inFlight;
    if (inFlight) void inFlight.then(() => this.#env.signOut(reason));
    else this.#env.signOut(reason);
  }

  #schedule(now: number): void {
    this.#env.clearTimer(this.#timer);
    if (this.#stopped || this.#phase === 'signed-out') return;
    const candidates = [this.#idleDeadline, this.#absoluteDeadline];
    if (this.#phase === 'active' && !this.#inFlight) candidates.push(this.#idleDeadline - this.#warningBeforeMs);
    if (this.#failures > 0 && !this.#inFlight) candidates.push(this.#retryAt);
    if (this.#phase === 'warning') {
      // Wake when the displayed second changes.
      const remainder = (this.#idleDeadline - now) % 1000;
      candidates.push(now + (remainder === 0 ? 1000 : remainder));
    }
    const next = Math.min(...candidates.filter((at) => at > now));
    const delay = Number.isFinite(next) ? next - now : 0;
    this.#timer = this.#env.setTimer(this.check, Math.min(MAX_TIMER_MS, Math.max(0, delay)));
  }

  #publish(now: number): void {
    const previous = this.#snapshot;
    const next: TimeoutSnapshot = {
      phase: this.#phase,
      secondsLeft: this.#phase === 'warning' ? Math.max(0, Math.ceil((this.#idleDeadline - now) / 1000)) : 0,
      extending: this.#inFlight !== undefined,
      keepAliveFailed: this.#failures > 0,
    };
    if (
      next.phase === previous.phase &&
      next.secondsLeft === previous.secondsLeft &&
      next.extending === previous.extending &&
      next.keepAliveFailed === previous.keepAliveFailed
    ) {
      return;
    }
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
  }
}
