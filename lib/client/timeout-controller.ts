/**
 * The client's session timer, free of React and of the DOM so it can be unit-tested with fake time.
 *
 *   active ──(idle warning point, nobody was active)──> warning ──(idle deadline)──> signed-out
 *     │ ^ └──(idle warning point, someone was active: report it, stay active)          ^
 *     │ └────(Stay signed in, in any tab: the keep-alive succeeds)── warning           │
 *     └──(absolute warning point)──> absolute-warning ──(absolute deadline)────────────┤
 *   any phase ──(the server or another tab says the session has ended)────────────────┘
 *
 * It works from local deadlines, never from countdowns, so a throttled background timer or a sleeping
 * laptop only delays a check; `check()` runs again when the page wakes up. The tabs of one session
 * agree over a channel: at the warning point a tab asks the others how long ago they saw the user,
 * waits briefly for answers, and then one tab (ties go to the lowest id) reports the newest activity
 * or opens the warning; the others hear the outcome.
 */
import type { ActiveStatus, SignedOutReason } from '../shared/session-status';

export type Phase = 'active' | 'warning' | 'absolute-warning' | 'signed-out';

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
  | { type: 'signed-out'; from: string; reason: SignedOutReason };

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
  /**
   * Leaves for the login page; first ends the session on the server when `endOnServer`. Called once,
   * after any keep-alive in flight has settled, so a late answer cannot revive the cookie.
   */
  signOut(reason: SignedOutReason, options: { endOnServer: boolean }): void;
  /**
   * The browser now holds another session (someone signed in again, in another tab): reloads, so the
   * server renders the page for that session. Called once; this tab's timer has stopped for good.
   */
  reload(): void;
}

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;
/** How long a tab at the warning point waits for the other tabs to say when they last saw the user. */
const GATHER_MS = 250;
/** How long a tab that answered waits for the asker's outcome (a keep-alive may take 10 s) before deciding itself. */
const OUTCOME_WAIT_MS = 15_000;
// Browsers run a setTimeout longer than 2^31-1 ms at once.
const MAX_TIMER_MS = 2_147_483_647;

export class TimeoutController {
  readonly #env: TimeoutEnvironment;
  readonly #id = Math.random().toString(36).slice(2);
  /** The session this page was rendered for; an answer about any other is not this tab's to apply. */
  readonly #sessionTag: string;
  #broadcast: ((message: TabMessage) => void) | undefined;
  #deadlines: LocalDeadlines = { idleAt: 0, absoluteAt: 0, warningBeforeMs: 0 };
  /** When a tab of this session last saw the user act, and the newest such moment the server has heard of. */
  #lastActivity = 0;
  #reportedActivity = 0;
  #phase: Phase = 'active';
  #absoluteAcknowledged = false;
  /** Deciding at the warning point: answers are collected until then. */
  #gatherUntil = 0;
  /** Another tab is deciding: do not decide before then. */
  #waitUntil = 0;
  #timer: unknown;
  #inFlight: Promise<void> | undefined;
  #failures = 0;
  #retryAt = 0;
  #stopped = true;
  #snapshot: TimeoutSnapshot = INITIAL_SNAPSHOT;
  readonly #listeners = new Set<() => void>();

  constructor(status: ActiveStatus, env: TimeoutEnvironment) {
    this.#env = env;
    this.#sessionTag = status.sessionTag;
    this.#apply(status);
    // Roughly when the server last heard of activity (each tab's estimate differs by its load time, so it
    // is never compared across tabs). Loading the page is not activity: #lastActivity stays 0 until someone acts.
    this.#reportedActivity = this.#deadlines.idleAt - status.idleTimeoutMs;
  }

  /** `broadcast` reaches the other tabs of this session; without it this tab acts alone. */
  start(broadcast?: (message: TabMessage) => void): void {
    this.#broadcast = broadcast;
    this.#stopped = false;
    this.check();
  }

  /** Cancels the timer; the owner removes its DOM listeners and closes the channel. A stopped controller does nothing. */
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
   * The hot path: one number, no timers, no messages, no rendering. It never closes an open warning:
   * only the dialog's buttons do, and activity is reported to the server only at the warning point.
   */
  recordActivity = (): void => {
    this.#lastActivity = this.#env.now();
  };

  staySignedIn = (): void => {
    if (this.#phase !== 'warning' || this.#inFlight) return;
    this.#lastActivity = this.#env.now();
    this.#report();
  };

  /** Closes the absolute warning; nothing can move that deadline, so it does not reopen. */
  continueWorking = (): void => {
    if (this.#phase !== 'absolute-warning') return;
    this.#absoluteAcknowledged = true;
    this.#phase = 'active';
    this.check();
  };

  logOut = (): void => this.#end('signed-out', true);

  /** Re-reads the clock: on every timer and whenever the page may have been asleep or hidden. */
  check = (): void => {
    if (this.#stopped || this.#phase === 'signed-out') return;
    const now = this.#env.now();
    const { idleAt, absoluteAt, warningBeforeMs } = this.#deadlines;
    if (now >= absoluteAt) return this.#end('absolute', true);
    if (now >= idleAt) return this.#end('idle', true);

    const absoluteFirst = absoluteAt <= idleAt;
    if (this.#phase === 'active' && absoluteFirst && !this.#absoluteAcknowledged && now >= absoluteAt - warningBeforeMs) {
      this.#phase = 'absolute-warning';
    } else if (this.#phase === 'active' && !absoluteFirst && now >= idleAt - warningBeforeMs) {
      this.#decide(now);
    } else if (this.#failures > 0 && now >= this.#retryAt && !this.#inFlight) {
      this.#report();
    }
    this.#publish(now);
    this.#schedule(now);
  };

  /** A message from another tab of this session. */
  receive = (message: TabMessage): void => {
    if (this.#stopped || this.#phase === 'signed-out' || message.from === this.#id) return;
    const now = this.#env.now();
    switch (message.type) {
      case 'query':
        // A tab whose warning is open keeps its activity to itself: moving the mouse over the dialog is not an answer.
        if (this.#phase !== 'active') return;
        this.#heard(message.lastActivity);
        if (this.#gatherUntil === 0 || message.from < this.#id) this.#yield(now);
        this.#broadcast?.({
          type: 'activity',
          from: this.#id,
          to: message.from,
          lastActivity: this.#lastActivity,
          busy: this.#gatherUntil > 0 || this.#inFlight !== undefined,
        });
        break;
      case 'activity':
        this.#heard(message.lastActivity);
        if (message.busy && message.to === this.#id) this.#yield(now);
        break;
      case 'extended':
        this.#deadlines = message.deadlines;
        this.#reportedActivity = Math.max(this.#reportedActivity, message.reportedActivity);
        this.#settle();
        break;
      case 'warning':
        if (this.#phase === 'active') this.#phase = 'warning';
        this.#waitUntil = 0;
        break;
      case 'signed-out':
        return this.#end(message.reason, false);
    }
    this.check();
  };

  /** Another tab decides at this warning point: hear its outcome, or decide after all if none comes. */
  #yield(now: number): void {
    this.#gatherUntil = 0;
    this.#waitUntil = now + OUTCOME_WAIT_MS;
  }

  #heard(lastActivity: number): void {
    this.#lastActivity = Math.max(this.#lastActivity, lastActivity);
  }

  /** At the idle warning point: ask the other tabs, then report activity if anyone saw some, else warn. */
  #decide(now: number): void {
    if (this.#inFlight || now < this.#waitUntil) return;
    if (this.#broadcast && this.#gatherUntil === 0 && this.#failures === 0) {
      this.#gatherUntil = now + GATHER_MS;
      this.#broadcast({ type: 'query', from: this.#id, lastActivity: this.#lastActivity });
      return;
    }
    if (now < this.#gatherUntil) return;
    this.#gatherUntil = 0;
    if (this.#lastActivity > this.#reportedActivity && this.#failures === 0) return this.#report();
    this.#phase = 'warning';
    this.#broadcast?.({ type: 'warning', from: this.#id });
  }

  #apply(status: ActiveStatus): void {
    // Durations from the server become deadlines on this clock now, so a wrong client clock changes nothing.
    const now = this.#env.now();
    this.#deadlines = {
      idleAt: now + status.idleExpiresInMs,
      absoluteAt: now + status.absoluteExpiresInMs,
      warningBeforeMs: status.warningBeforeMs,
    };
  }

  #settle(): void {
    this.#failures = 0;
    this.#gatherUntil = 0;
    this.#waitUntil = 0;
    if (this.#phase === 'warning') this.#phase = 'active';
  }

  #report(): void {
    const activity = this.#lastActivity;
    const idleMs = Math.max(0, this.#env.now() - activity);
    const request = this.#env.keepAlive(idleMs).then((result) => {
      this.#inFlight = undefined;
      if (this.#phase === 'signed-out') return;
      if (result.kind === 'ended') return this.#end(result.reason, true);
      if (result.kind === 'extended' && result.status.sessionTag !== this.#sessionTag) return this.#superseded();
      if (result.kind === 'extended') {
        this.#apply(result.status);
        this.#reportedActivity = activity;
        this.#settle();
        this.#broadcast?.({ type: 'extended', from: this.#id, reportedActivity: activity, deadlines: this.#deadlines });
      } else {
        // Retried with backoff; meanwhile `check` opens the warning in every tab (a failure skips the
        // report at the warning point), so a user whose activity could not be reported sees the risk.
        this.#failures += 1;
        this.#retryAt = this.#env.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.#failures - 1));
      }
      this.check();
    });
    this.#inFlight = request;
    this.#publish(this.#env.now());
  }

  #end(reason: SignedOutReason, tellOthers: boolean): void {
    if (this.#phase === 'signed-out') return;
    this.#phase = 'signed-out';
    this.#env.clearTimer(this.#timer);
    this.#publish(this.#env.now());
    if (tellOthers) this.#broadcast?.({ type: 'signed-out', from: this.#id, reason });
    // The tab that ended the session cleared it on the server; another tab must clear it again only if its own keep-alive could land later.
    const inFlight = this.#inFlight;
    const leave = () => this.#env.signOut(reason, { endOnServer: tellOthers || inFlight !== undefined });
    if (inFlight) void inFlight.then(leave);
    else leave();
  }

  /**
   * The cookie this keep-alive carried names another session: its deadlines are not this tab's, and
   * signing out from here would end a session this page knows nothing of. Stop, and let the server
   * render the page for the session the browser holds now. Other tabs of this session find out the
   * same way, at their own next request.
   */
  #superseded(): void {
    this.#phase = 'signed-out';
    this.#env.clearTimer(this.#timer);
    this.#publish(this.#env.now());
    this.#env.reload();
  }

  #schedule(now: number): void {
    this.#env.clearTimer(this.#timer);
    if (this.#stopped || this.#phase === 'signed-out') return;
    const { idleAt, absoluteAt, warningBeforeMs } = this.#deadlines;
    const candidates = [idleAt, absoluteAt, this.#gatherUntil, this.#waitUntil];
    if (this.#phase === 'active') candidates.push(absoluteAt - warningBeforeMs, idleAt - warningBeforeMs);
    if (this.#failures > 0 && !this.#inFlight) candidates.push(this.#retryAt);
    const warningEndsAt = this.#warningEndsAt();
    if (warningEndsAt) {
      // Wake when the displayed second changes.
      const remainder = (warningEndsAt - now) % 1000;
      candidates.push(now + (remainder === 0 ? 1000 : remainder));
    }
    const next = Math.min(...candidates.filter((at) => at > now));
    const delay = Number.isFinite(next) ? next - now : 0;
    this.#timer = this.#env.setTimer(this.check, Math.min(MAX_TIMER_MS, Math.max(0, delay)));
  }

  #warningEndsAt(): number {
    if (this.#phase === 'warning') return this.#deadlines.idleAt;
    if (this.#phase === 'absolute-warning') return this.#deadlines.absoluteAt;
    return 0;
  }

  #publish(now: number): void {
    const previous = this.#snapshot;
    const warningEndsAt = this.#warningEndsAt();
    const next: TimeoutSnapshot = {
      phase: this.#phase,
      secondsLeft: warningEndsAt ? Math.max(0, Math.ceil((warningEndsAt - now) / 1000)) : 0,
      warningEndsAt,
      extending: this.#inFlight !== undefined,
      keepAliveFailed: this.#failures > 0,
    };
    if ((Object.keys(next) as Array<keyof TimeoutSnapshot>).every((key) => next[key] === previous[key])) return;
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
  }
}
