/**
 * The client's session timer, free of React and of the DOM so it can be unit-tested with fake time.
 *
 *   active ──(idle warning point, nobody was active)──> warning ──(idle deadline)──> ended
 *     │ ^ └──(idle warning point, someone was active: report it, stay active)          ^
 *     │ └────(Stay signed in, in any tab: the keep-alive succeeds)── warning           │
 *     └──(absolute warning point)──> absolute-warning ──(absolute deadline)────────────┤
 *   any phase ──(the server or another tab says the session has ended)────────────────┘
 *
 * It works from local deadlines, never from countdowns, so a throttled background timer or a sleeping
 * laptop only delays a check; `check()` runs again when the page wakes up. The tabs of one session
 * agree over a channel: at the idle warning point a tab asks the others how long ago they saw the user
 * and waits briefly for answers (its election is `gathering`); a tab that hears the question leaves
 * the decision to the asker (`deferred`), unless it is gathering too and has the lower id. The one
 * tab left reports the newest activity or opens the warning; the others hear the outcome. A keep-alive
 * that did not reach the server leaves a retry `due`, with backoff.
 */
import type { ActiveStatus, NoSessionReason } from '../shared/session-status';
import { INITIAL_SNAPSHOT, type LocalDeadlines, type Phase, type TabMessage, type TimeoutEnvironment, type TimeoutSnapshot } from './timeout-types';

import { GATHER_MS, MAX_TIMER_MS, NO_ELECTION, NO_RETRY, OUTCOME_WAIT_MS, RETRY_FIRST_MS, RETRY_MAX_MS, type Election, type EndedBy, type Retry } from './timeout-states';

export * from './timeout-types';

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
  #election: Election = NO_ELECTION;
  #retry: Retry = NO_RETRY;
  #timer: unknown;
  #keepAliveInFlight: Promise<void> | undefined;
  #stopped = true;
  #snapshot: TimeoutSnapshot = INITIAL_SNAPSHOT;
  readonly #listeners = new Set<() => void>();

  constructor(status: ActiveStatus, env: TimeoutEnvironment) {
    this.#env = env;
    this.#sessionTag = status.sessionTag;
    this.#adoptServerDurations(status);
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
  noteActivity = (): void => {
    this.#lastActivity = this.#env.now();
  };

  staySignedIn = (): void => {
    if (this.#phase !== 'warning' || this.#keepAliveInFlight) return;
    this.#lastActivity = this.#env.now();
    this.#sendKeepAlive();
  };

  /** Closes the absolute warning; nothing can move that deadline, so it does not reopen. */
  continueWorking = (): void => {
    if (this.#phase !== 'absolute-warning') return;
    this.#absoluteAcknowledged = true;
    this.#phase = 'active';
    this.check();
  };

  /** The user pressed Sign out (the dialog's "Log out now", or the page's button). */
  signOut = (): void => this.#end('signed-out', { by: 'this-tab' });

  /** Re-reads the clock: on every timer and whenever the page may have been asleep or hidden. */
  check = (): void => {
    if (this.#stopped || this.#phase === 'ended') return;
    const now = this.#env.now();
    const { idleAt, absoluteAt, warningBeforeMs } = this.#deadlines;
    if (now >= absoluteAt) return this.#end('absolute', { by: 'this-tab' });
    if (now >= idleAt) return this.#end('idle', { by: 'this-tab' });

    const absoluteFirst = absoluteAt <= idleAt;
    if (this.#phase === 'active' && absoluteFirst && !this.#absoluteAcknowledged && now >= absoluteAt - warningBeforeMs) {
      this.#phase = 'absolute-warning';
    } else if (this.#phase === 'active' && !absoluteFirst && now >= idleAt - warningBeforeMs) {
      this.#decideAtIdleWarning(now);
    } else if (this.#retry.kind === 'due' && now >= this.#retry.at && !this.#keepAliveInFlight) {
      this.#sendKeepAlive();
    }
    this.#publishSnapshot(now);
    this.#scheduleNextCheck(now);
  };

  /** A message from another tab of this session. */
  receive = (message: TabMessage): void => {
    if (this.#stopped || this.#phase === 'ended' || message.from === this.#id) return;
    const now = this.#env.now();
    switch (message.type) {
      case 'query':
        // A tab whose warning is open keeps its activity to itself: moving the mouse over the dialog is not an answer.
        if (this.#phase !== 'active') return;
        this.#noteActivityElsewhere(message.lastActivity);
        if (this.#election.kind !== 'gathering' || message.from < this.#id) this.#deferToOtherTab(now);
        this.#broadcast?.({
          type: 'activity',
          from: this.#id,
          to: message.from,
          lastActivity: this.#lastActivity,
          busy: this.#election.kind === 'gathering' || this.#keepAliveInFlight !== undefined,
        });
        break;
      case 'activity':
        this.#noteActivityElsewhere(message.lastActivity);
        if (message.busy && message.to === this.#id) this.#deferToOtherTab(now);
        break;
      case 'extended':
        this.#deadlines = message.deadlines;
        this.#reportedActivity = Math.max(this.#reportedActivity, message.reportedActivity);
        this.#resetAfterExtension();
        break;
      case 'warning':
        if (this.#phase === 'active') this.#phase = 'warning';
        if (this.#election.kind === 'deferred') this.#election = NO_ELECTION;
        break;
      case 'ended':
        return this.#end(message.reason, { by: 'another-tab' });
    }
    this.check();
  };

  /** Another tab decides at this warning point: hear its outcome, or decide after all if none comes. */
  #deferToOtherTab(now: number): void {
    this.#election = { kind: 'deferred', until: now + OUTCOME_WAIT_MS };
  }

  #noteActivityElsewhere(lastActivity: number): void {
    this.#lastActivity = Math.max(this.#lastActivity, lastActivity);
  }

  /** At the idle warning point: ask the other tabs, then report activity if anyone saw some, else warn. */
  #decideAtIdleWarning(now: number): void {
    const election = this.#election;
    if (this.#keepAliveInFlight || (election.kind === 'deferred' && now < election.until)) return;
    if (this.#broadcast && election.kind !== 'gathering' && this.#retry.kind === 'none') {
      this.#election = { kind: 'gathering', until: now + GATHER_MS };
      this.#broadcast({ type: 'query', from: this.#id, lastActivity: this.#lastActivity });
      return;
    }
    if (election.kind === 'gathering' && now < election.until) return;
    this.#election = NO_ELECTION;
    if (this.#lastActivity > this.#reportedActivity && this.#retry.kind === 'none') return this.#sendKeepAlive();
    this.#phase = 'warning';
    this.#broadcast?.({ type: 'warning', from: this.#id });
  }

  #adoptServerDurations(status: ActiveStatus): void {
    // Durations from the server become deadlines on this clock now, so a wrong client clock changes nothing.
    const now = this.#env.now();
    this.#deadlines = {
      idleAt: now + status.idleExpiresInMs,
      absoluteAt: now + status.absoluteExpiresInMs,
      warningBeforeMs: status.warningBeforeMs,
    };
  }

  /** The deadlines moved, here or in another tab: the warning point's business is over. */
  #resetAfterExtension(): void {
    this.#retry = NO_RETRY;
    this.#election = NO_ELECTION;
    if (this.#phase === 'warning') this.#phase = 'active';
  }

  #sendKeepAlive(): void {
    const activity = this.#lastActivity;
    const idleMs = Math.max(0, this.#env.now() - activity);
    const request = this.#env.keepAlive(idleMs).then((result) => {
      this.#keepAliveInFlight = undefined;
      if (this.#phase === 'ended') return;
      if (!result.ok && result.reason !== 'unreachable') return this.#end(result.reason, { by: 'this-tab' });
      if (result.ok && result.value.sessionTag !== this.#sessionTag) return this.#reloadIntoNewerSession();
      if (result.ok) {
        this.#adoptServerDurations(result.value);
        this.#reportedActivity = activity;
        this.#resetAfterExtension();
        this.#broadcast?.({ type: 'extended', from: this.#id, reportedActivity: activity, deadlines: this.#deadlines });
      } else {
        // Retried with backoff; meanwhile `check` opens the warning in every tab (a failure skips the
        // report at the warning point), so a user whose activity could not be reported sees the risk.
        const failures = (this.#retry.kind === 'due' ? this.#retry.failures : 0) + 1;
        const at = this.#env.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1));
        this.#retry = { kind: 'due', at, failures };
      }
      this.check();
    });
    this.#keepAliveInFlight = request;
    this.#publishSnapshot(this.#env.now());
  }

  #end(reason: NoSessionReason, { by }: EndedBy): void {
    if (this.#phase === 'ended') return;
    this.#phase = 'ended';
    this.#env.clearTimer(this.#timer);
    this.#publishSnapshot(this.#env.now());
    const endedHere = by === 'this-tab';
    if (endedHere) this.#broadcast?.({ type: 'ended', from: this.#id, reason });
    // The tab that ended the session clears it on the server; another tab must clear it again only if its own keep-alive could land later.
    const inFlight = this.#keepAliveInFlight;
    const leave = () => this.#env.leave(reason, { endOnServer: endedHere || inFlight !== undefined });
    if (inFlight) void inFlight.then(leave);
    else leave();
  }

  /**
   * The cookie this keep-alive carried names another session: its deadlines are not this tab's, and
   * signing out from here would end a session this page knows nothing of. Stop, and let the server
   * render the page for the session the browser holds now. Other tabs of this session find out the
   * same way, at their own next request.
   */
  #reloadIntoNewerSession(): void {
    this.#phase = 'ended';
    this.#env.clearTimer(this.#timer);
    this.#publishSnapshot(this.#env.now());
    this.#env.reload();
  }

  #scheduleNextCheck(now: number): void {
    this.#env.clearTimer(this.#timer);
    if (this.#stopped || this.#phase === 'ended') return;
    const { idleAt, absoluteAt, warningBeforeMs } = this.#deadlines;
    const candidates = [idleAt, absoluteAt];
    if (this.#election.kind !== 'none') candidates.push(this.#election.until);
    if (this.#phase === 'active') candidates.push(absoluteAt - warningBeforeMs, idleAt - warningBeforeMs);
    if (this.#retry.kind === 'due' && !this.#keepAliveInFlight) candidates.push(this.#retry.at);
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

  #publishSnapshot(now: number): void {
    const previous = this.#snapshot;
    const warningEndsAt = this.#warningEndsAt();
    const next: TimeoutSnapshot = {
      phase: this.#phase,
      secondsLeft: warningEndsAt ? Math.max(0, Math.ceil((warningEndsAt - now) / 1000)) : 0,
      warningEndsAt,
      extending: this.#keepAliveInFlight !== undefined,
      keepAliveFailed: this.#retry.kind === 'due',
    };
    if ((Object.keys(next) as Array<keyof TimeoutSnapshot>).every((key) => next[key] === previous[key])) return;
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
  }
}
