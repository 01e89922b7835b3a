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
 * and waits briefly for answers (it is gathering); a tab that hears the question leaves the decision to
 * the asker (it waits for the outcome), unless it is gathering too and has the lower id. The one tab left
 * reports the newest activity or opens the warning; the others hear the outcome. A keep-alive that did
 * not reach the server leaves a retry due, with backoff.
 *
 * A closure rather than a class: its state is private by construction, its functions can be handed to
 * listeners as they are, and its variables minify to less than `this.#field` does.
 */
import type { ActiveStatus, NoSessionReason } from '../shared/session-status';
import { INITIAL_SNAPSHOT, type LocalDeadlines, type Phase, type TabMessage, type TimeoutController, type TimeoutEnvironment, type TimeoutSnapshot } from './timeout-types';

export * from './timeout-types';

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;
/** How long a tab at the warning point waits for the other tabs to say when they last saw the user. */
const GATHER_MS = 250;
/** How long a tab that answered waits for the asker's outcome (a keep-alive may take 10 s) before deciding itself. */
const OUTCOME_WAIT_MS = 15_000;
// Browsers run a setTimeout longer than 2^31-1 ms at once.
const MAX_TIMER_MS = 2_147_483_647;

/** Durations from the server become deadlines on this clock on receipt, so a wrong client clock changes nothing. */
const deadlinesFrom = (status: ActiveStatus, now: number): LocalDeadlines => ({
  idleAt: now + status.idleExpiresInMs,
  absoluteAt: now + status.absoluteExpiresInMs,
  warningBeforeMs: status.warningBeforeMs,
});

export function createTimeoutController(status: ActiveStatus, env: TimeoutEnvironment): TimeoutController {
  const id = Math.random().toString(36).slice(2);
  let broadcast: ((message: TabMessage) => void) | undefined;
  let deadlines = deadlinesFrom(status, env.now());
  /** When a tab of this session last saw the user act, and the newest such moment the server has heard of. */
  let lastActivity = 0;
  // At first, roughly when the server last heard of activity (each tab's estimate differs by its load time, so it
  // is never compared across tabs). Loading the page is not activity: lastActivity stays 0 until someone acts.
  let reportedActivity = deadlines.idleAt - status.idleTimeoutMs;
  let phase: Phase = 'active';
  let absoluteAcknowledged = false;
  /**
   * The election at the idle warning point: when its wait ends (0: there is none) and whose it is. Gathering,
   * this tab decides when it ends; otherwise another tab decides, and this one decides after all if no
   * outcome has come by then.
   */
  let electionUntil = 0;
  let gathering = false;
  /** Keep-alives in a row that did not reach the server (0: none), and when the next one is due. */
  let failures = 0;
  let retryAt = 0;
  let timer: unknown;
  let keepAliveInFlight: Promise<void> | undefined;
  let stopped = true;
  let snapshot = INITIAL_SNAPSHOT;
  const listeners = new Set<() => void>();

  const warningEndsAt = () => (phase === 'warning' ? deadlines.idleAt : phase === 'absolute-warning' ? deadlines.absoluteAt : 0);

  function publishSnapshot(now: number) {
    const endsAt = warningEndsAt();
    const next: TimeoutSnapshot = {
      phase,
      secondsLeft: endsAt ? Math.max(0, Math.ceil((endsAt - now) / 1000)) : 0,
      warningEndsAt: endsAt,
      extending: keepAliveInFlight !== undefined,
      keepAliveFailed: failures > 0,
    };
    if ((Object.keys(next) as Array<keyof TimeoutSnapshot>).every((key) => next[key] === snapshot[key])) return;
    snapshot = next;
    for (const listener of listeners) listener();
  }

  /** Re-reads the clock: on every timer and whenever the page may have been asleep or hidden. */
  function check() {
    if (stopped || phase === 'ended') return;
    const now = env.now();
    const { idleAt, absoluteAt, warningBeforeMs } = deadlines;
    if (now >= absoluteAt) return end('absolute', true);
    if (now >= idleAt) return end('idle', true);

    const absoluteFirst = absoluteAt <= idleAt;
    if (phase === 'active' && absoluteFirst && !absoluteAcknowledged && now >= absoluteAt - warningBeforeMs) {
      phase = 'absolute-warning';
    } else if (phase === 'active' && !absoluteFirst && now >= idleAt - warningBeforeMs) {
      decideAtIdleWarning(now);
    } else if (failures && now >= retryAt && !keepAliveInFlight) {
      sendKeepAlive();
    }
    publishSnapshot(now);

    // The next moment anything can change; the deadlines are still ahead, so there is one.
    const candidates = [idleAt, absoluteAt, electionUntil, keepAliveInFlight ? 0 : retryAt];
    if (phase === 'active') candidates.push(absoluteAt - warningBeforeMs, idleAt - warningBeforeMs);
    const endsAt = warningEndsAt();
    // Wake when the displayed second changes.
    if (endsAt) candidates.push(now + ((endsAt - now) % 1000 || 1000));
    env.clearTimer(timer);
    timer = env.setTimer(check, Math.min(MAX_TIMER_MS, Math.min(...candidates.filter((at) => at > now)) - now));
  }

  /** At the idle warning point: ask the other tabs, then report activity if anyone saw some, else warn. */
  function decideAtIdleWarning(now: number) {
    if (keepAliveInFlight || now < electionUntil) return;
    if (broadcast && !gathering && !failures) {
      gathering = true;
      electionUntil = now + GATHER_MS;
      return broadcast({ type: 'query', from: id, lastActivity });
    }
    gathering = false;
    electionUntil = 0;
    if (lastActivity > reportedActivity && !failures) return sendKeepAlive();
    phase = 'warning';
    broadcast?.({ type: 'warning', from: id });
  }

  /** Another tab decides at this warning point: hear its outcome, or decide after all if none comes. */
  const deferToOtherTab = (now: number) => {
    gathering = false;
    electionUntil = now + OUTCOME_WAIT_MS;
  };

  const noteActivityElsewhere = (at: number) => {
    lastActivity = Math.max(lastActivity, at);
  };

  /** The deadlines moved, here or in another tab: the warning point's business is over. */
  const resetAfterExtension = () => {
    failures = retryAt = electionUntil = 0;
    gathering = false;
    if (phase === 'warning') phase = 'active';
  };

  function sendKeepAlive() {
    const activity = lastActivity;
    keepAliveInFlight = env.keepAlive(Math.max(0, env.now() - activity)).then((result) => {
      keepAliveInFlight = undefined;
      if (phase === 'ended') return;
      if (result.ok) {
        if (result.value.sessionTag !== status.sessionTag) return reloadIntoNewerSession();
        deadlines = deadlinesFrom(result.value, env.now());
        reportedActivity = activity;
        resetAfterExtension();
        broadcast?.({ type: 'extended', from: id, reportedActivity: activity, deadlines });
      } else if (result.reason !== 'unreachable') {
        return end(result.reason, true);
      } else {
        // Retried with backoff; meanwhile `check` opens the warning in every tab (a failure skips the
        // report at the warning point), so a user whose activity could not be reported sees the risk.
        retryAt = env.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures++);
      }
      check();
    });
    publishSnapshot(env.now());
  }

  /** Stops for good: no timer, and the snapshot says the page's session is over. */
  const halt = () => {
    phase = 'ended';
    env.clearTimer(timer);
    publishSnapshot(env.now());
  };

  /** `endedHere`: this tab ended it, so it tells the others and ends it on the server. */
  function end(reason: NoSessionReason, endedHere: boolean) {
    if (phase === 'ended') return;
    halt();
    if (endedHere) broadcast?.({ type: 'ended', from: id, reason });
    // The tab that ended the session clears it on the server; another tab must clear it again only if its own keep-alive could land later.
    const inFlight = keepAliveInFlight;
    const leave = () => env.leave(reason, { endOnServer: endedHere || inFlight !== undefined });
    if (inFlight) void inFlight.then(leave);
    else leave();
  }

  /**
   * The cookie this keep-alive carried names another session: its deadlines are not this tab's, and
   * signing out from here would end a session this page knows nothing of. Stop, and let the server
   * render the page for the session the browser holds now. Other tabs of this session find out the
   * same way, at their own next request.
   */
  function reloadIntoNewerSession() {
    halt();
    env.reload();
  }

  return {
    start(channel) {
      broadcast = channel;
      stopped = false;
      check();
    },
    stop() {
      stopped = true;
      env.clearTimer(timer);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    noteActivity() {
      lastActivity = env.now();
    },
    staySignedIn() {
      if (phase !== 'warning' || keepAliveInFlight) return;
      lastActivity = env.now();
      sendKeepAlive();
    },
    continueWorking() {
      if (phase !== 'absolute-warning') return;
      absoluteAcknowledged = true;
      phase = 'active';
      check();
    },
    signOut: () => end('signed-out', true),
    check,
    receive(message) {
      if (stopped || phase === 'ended' || message.from === id) return;
      const now = env.now();
      switch (message.type) {
        case 'query':
          // A tab whose warning is open keeps its activity to itself: moving the mouse over the dialog is not an answer.
          if (phase !== 'active') return;
          noteActivityElsewhere(message.lastActivity);
          if (!gathering || message.from < id) deferToOtherTab(now);
          broadcast?.({ type: 'activity', from: id, to: message.from, lastActivity, busy: gathering || keepAliveInFlight !== undefined });
          break;
        case 'activity':
          noteActivityElsewhere(message.lastActivity);
          if (message.busy && message.to === id) deferToOtherTab(now);
          break;
        case 'extended':
          deadlines = message.deadlines;
          reportedActivity = Math.max(reportedActivity, message.reportedActivity);
          resetAfterExtension();
          break;
        case 'warning':
          if (phase === 'active') phase = 'warning';
          if (!gathering) electionUntil = 0;
          break;
        case 'ended':
          return end(message.reason, false);
      }
      check();
    },
  };
}
