import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActiveStatus, NoSessionReason } from '../shared/session-status';
import { createTimeoutController, type KeepAliveResult, type TabMessage, type TimeoutController } from './timeout-controller';

const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

function status(idleExpiresInMs = 30 * MIN, absoluteExpiresInMs = 12 * HOUR): ActiveStatus {
  return {
    authenticated: true,
    user: { username: 'demo', role: 'user' },
    idleExpiresInMs,
    absoluteExpiresInMs,
    warningBeforeMs: 5 * MIN,
    idleTimeoutMs: 30 * MIN,
    sessionTag: 'tag',
  };
}

/** A fake server: keep-alive moves its idle deadline to the reported activity, as the real one does. */
function setup(
  options: {
    idleMs?: number;
    absoluteMs?: number;
    answer?: (idleMs: number) => KeepAliveResult | Promise<KeepAliveResult>;
    bus?: ReturnType<typeof createBus>;
    /** `false`: constructed but not started, as between React's render and its effect. */
    start?: boolean;
  } = {},
) {
  const absoluteAt = Date.now() + (options.absoluteMs ?? 12 * HOUR);
  const keepAlive = vi.fn(async (idleMs: number): Promise<KeepAliveResult> => {
    if (options.answer) return options.answer(idleMs);
    return { ok: true, value: status(30 * MIN - idleMs, absoluteAt - Date.now()) };
  });
  const leave = vi.fn<(reason: NoSessionReason, options: { endOnServer: boolean }) => void>();
  const reload = vi.fn<() => void>();
  /** The delay of every timer the controller sets: how often a page wakes. */
  const delays: number[] = [];
  const controller = createTimeoutController(status(options.idleMs ?? 30 * MIN, absoluteAt - Date.now()), {
    now: () => Date.now(),
    setTimer: (callback, ms) => {
      delays.push(ms);
      return setTimeout(callback, ms);
    },
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    keepAlive,
    leave,
    reload,
  });
  const phases: string[] = [];
  const renders = vi.fn(() => phases.push(controller.getSnapshot().phase));
  controller.subscribe(renders);
  if (options.start !== false) controller.start(options.bus?.join(controller));
  return { controller, keepAlive, leave, reload, renders, phases, delays };
}

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** The tabs of one browser: what one posts reaches every other one a moment later, as with BroadcastChannel. */
function createBus() {
  const tabs = new Set<TimeoutController>();
  const sent: TabMessage[] = [];
  return {
    sent,
    join(tab: TimeoutController) {
      tabs.add(tab);
      return (message: TabMessage) => {
        sent.push(message);
        for (const other of tabs) if (other !== tab) setTimeout(() => other.receive(message), 0);
      };
    },
    leave: (tab: TimeoutController) => tabs.delete(tab),
  };
}

/** Several tabs of one session, opened at the same moment, against one fake server. */
function setupTabs(count: number, options: Parameters<typeof setup>[0] = {}) {
  const bus = createBus();
  const tabs = Array.from({ length: count }, () => setup({ ...options, bus }));
  const keepAlives = () => tabs.reduce((sum, tab) => sum + tab.keepAlive.mock.calls.length, 0);
  return { bus, tabs, keepAlives };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('an idle user', () => {
  it('sees no warning at 24:59 and the warning at 25:00, without any request', async () => {
    const { controller, keepAlive } = setup();
    await advance(25 * MIN - SEC);
    expect(controller.getSnapshot().phase).toBe('active');
    await advance(SEC);
    expect(controller.getSnapshot()).toMatchObject({ phase: 'warning', secondsLeft: 300 });
    expect(keepAlive).not.toHaveBeenCalled();
  });

  it('counts the warning down once a second and signs out with reason idle at 30:00', async () => {
    const { controller, leave, renders, keepAlive } = setup();
    await advance(25 * MIN);
    renders.mockClear();
    await advance(MIN);
    expect(controller.getSnapshot().secondsLeft).toBe(240);
    expect(renders).toHaveBeenCalledTimes(60);
    await advance(4 * MIN - 1);
    expect(leave).not.toHaveBeenCalled();
    expect(controller.getSnapshot().secondsLeft).toBe(1);
    await advance(1);
    expect(leave).toHaveBeenCalledExactlyOnceWith('idle', { endOnServer: true });
    expect(controller.getSnapshot().phase).toBe('ended');
    expect(keepAlive).not.toHaveBeenCalled();
  });

  it('is not kept signed in by activity while the warning is open', async () => {
    const { controller, keepAlive, leave } = setup();
    await advance(26 * MIN);
    controller.noteActivity();
    await advance(4 * MIN);
    expect(keepAlive).not.toHaveBeenCalled();
    expect(leave).toHaveBeenCalledWith('idle', { endOnServer: true });
  });

  it('costs a page at rest one wake-up until the warning point, then one a second', async () => {
    const { delays } = setup();
    expect(delays).toEqual([25 * MIN]);
    await advance(25 * MIN);
    await advance(3 * SEC);
    expect(delays).toEqual([25 * MIN, SEC, SEC, SEC, SEC]);
  });

  it('keeps one timer however often the page wakes it (visibility, focus, pageshow, online)', async () => {
    const { controller } = setup();
    for (let wake = 0; wake < 5; wake += 1) controller.check();
    expect(vi.getTimerCount()).toBe(1);
    await advance(25 * MIN);
    for (let wake = 0; wake < 5; wake += 1) controller.check();
    expect(vi.getTimerCount()).toBe(1);
  });
});

describe('a working user', () => {
  it('never sees the warning: activity is reported once, at the warning point, as a duration', async () => {
    const { controller, keepAlive } = setup();
    await advance(10 * MIN);
    controller.noteActivity();
    await advance(15 * MIN);
    expect(keepAlive).toHaveBeenCalledExactlyOnceWith(15 * MIN);
    expect(controller.getSnapshot().phase).toBe('active');
    // The server now counts from the activity at 10:00: the warning opens 25 minutes after it.
    await advance(10 * MIN - SEC);
    expect(controller.getSnapshot().phase).toBe('active');
    await advance(SEC);
    expect(controller.getSnapshot().phase).toBe('warning');
    expect(keepAlive).toHaveBeenCalledTimes(1);
  });

  it('costs at most 3 keep-alives an hour while moving the mouse every second for two hours', async () => {
    const { controller, keepAlive, renders } = setup();
    for (let second = 0; second < 2 * 3600; second += 1) {
      controller.noteActivity();
      await advance(SEC);
    }
    expect(controller.getSnapshot().phase).toBe('active');
    expect(keepAlive.mock.calls.length).toBeLessThanOrEqual(6);
    expect(keepAlive.mock.calls.length).toBeGreaterThanOrEqual(4);
    // Each report causes at most two snapshot changes (request started, answer received), never one per event.
    expect(renders.mock.calls.length).toBeLessThanOrEqual(2 * keepAlive.mock.calls.length);
  });

  it('is signed out at the absolute deadline however active', async () => {
    const { controller, leave } = setup({ absoluteMs: HOUR });
    for (let minute = 0; minute < 59; minute += 1) {
      controller.noteActivity();
      await advance(MIN);
    }
    expect(leave).not.toHaveBeenCalled();
    await advance(MIN);
    expect(leave).toHaveBeenCalledExactlyOnceWith('absolute', { endOnServer: true });
  });
});

describe('the warning', () => {
  it('Stay signed in reports activity now and restarts every timer from the new deadline', async () => {
    const { controller, keepAlive } = setup();
    await advance(27 * MIN);
    controller.staySignedIn();
    expect(keepAlive).toHaveBeenCalledExactlyOnceWith(0);
    await advance(0);
    expect(controller.getSnapshot()).toMatchObject({ phase: 'active', extending: false });
    await advance(25 * MIN - SEC);
    expect(controller.getSnapshot().phase).toBe('active');
    await advance(SEC);
    expect(controller.getSnapshot().phase).toBe('warning');
  });

  it('signs out with the server reason when the session already ended elsewhere', async () => {
    const { controller, leave } = setup({ answer: () => ({ ok: false, reason: 'signed-out' }) });
    await advance(25 * MIN);
    controller.staySignedIn();
    await advance(0);
    expect(leave).toHaveBeenCalledExactlyOnceWith('signed-out', { endOnServer: true });
  });

  it('keeps the user signed in until the real deadline when keep-alive fails, and retries with backoff', async () => {
    let failing = true;
    const { controller, keepAlive, leave } = setup({
      answer: (idleMs) => (failing ? { ok: false, reason: 'unreachable' } : { ok: true, value: status(30 * MIN - idleMs) }),
    });
    await advance(25 * MIN);
    controller.staySignedIn();
    await advance(0);
    expect(controller.getSnapshot()).toMatchObject({ phase: 'warning', keepAliveFailed: true });
    await advance(2 * SEC);
    expect(keepAlive).toHaveBeenCalledTimes(2);
    await advance(4 * SEC);
    expect(keepAlive).toHaveBeenCalledTimes(3);
    expect(leave).not.toHaveBeenCalled();
    failing = false;
    await advance(8 * SEC);
    expect(keepAlive).toHaveBeenCalledTimes(4);
    expect(controller.getSnapshot()).toMatchObject({ phase: 'active', keepAliveFailed: false });
  });

  it('says a keep-alive is on its way until its answer arrives', async () => {
    let answer: (result: KeepAliveResult) => void = () => {};
    const { controller } = setup({ answer: () => new Promise((resolve) => (answer = resolve)) });
    await advance(25 * MIN);
    controller.staySignedIn();
    expect(controller.getSnapshot()).toMatchObject({ phase: 'warning', extending: true });
    answer({ ok: true, value: status() });
    await advance(0);
    expect(controller.getSnapshot()).toMatchObject({ phase: 'active', extending: false });
  });

  it('retries on its backoff schedule to the millisecond, not at the next tick of the countdown', async () => {
    const { controller, keepAlive } = setup({ answer: () => ({ ok: false, reason: 'unreachable' }) });
    await advance(25 * MIN + 500);
    controller.staySignedIn();
    await advance(2 * SEC - 1);
    expect(keepAlive).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(keepAlive).toHaveBeenCalledTimes(2);
    await advance(4 * SEC - 1);
    expect(keepAlive).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(keepAlive).toHaveBeenCalledTimes(3);
  });

  it("Continue working (the absolute warning's answer) neither closes the idle warning nor silences the absolute one", async () => {
    const { controller } = setup({ absoluteMs: 40 * MIN });
    await advance(25 * MIN);
    controller.continueWorking();
    expect(controller.getSnapshot().phase).toBe('warning');
    controller.staySignedIn();
    await advance(0);
    expect(controller.getSnapshot().phase).toBe('active');
    await advance(10 * MIN);
    expect(controller.getSnapshot()).toMatchObject({ phase: 'absolute-warning', secondsLeft: 300 });
  });

  it('Log out now signs out at once with reason signed-out', async () => {
    const { controller, leave } = setup();
    await advance(25 * MIN);
    controller.signOut();
    expect(leave).toHaveBeenCalledExactlyOnceWith('signed-out', { endOnServer: true });
  });
});

describe('time that does not flow evenly', () => {
  it('signs out at once, without showing the warning, when the page wakes after the deadline', async () => {
    const { controller, leave, phases } = setup();
    vi.setSystemTime(Date.now() + 45 * MIN); // the laptop slept: no timer ran
    controller.check();
    expect(leave).toHaveBeenCalledExactlyOnceWith('idle', { endOnServer: true });
    expect(phases).toEqual(['ended']);
  });

  it('shows the true remaining time when the page wakes inside the warning window', async () => {
    const { controller } = setup();
    vi.setSystemTime(Date.now() + 28 * MIN);
    controller.check();
    expect(controller.getSnapshot()).toMatchObject({ phase: 'warning', secondsLeft: 120 });
  });

  it('moves the countdown when its displayed second changes, whatever the moment the page woke', async () => {
    const { controller } = setup();
    vi.setSystemTime(Date.now() + 28 * MIN + 300);
    controller.check();
    expect(controller.getSnapshot().secondsLeft).toBe(120);
    await advance(699);
    expect(controller.getSnapshot().secondsLeft).toBe(120);
    await advance(1);
    expect(controller.getSnapshot().secondsLeft).toBe(119);
    await advance(SEC);
    expect(controller.getSnapshot().secondsLeft).toBe(118);
  });

  it('ignores a wrong client clock: deadlines come from the server durations', async () => {
    vi.setSystemTime(new Date('1999-01-01T00:00:00Z'));
    const { controller } = setup();
    await advance(25 * MIN - SEC);
    expect(controller.getSnapshot().phase).toBe('active');
    await advance(SEC);
    expect(controller.getSnapshot().phase).toBe('warning');
  });
});

describe('signing out', () => {
  it('waits for a keep-alive in flight, so its late answer cannot revive the session', async () => {
    let answer: (result: KeepAliveResult) => void = () => {};
    const { controller, leave } = setup({ answer: () => new Promise((resolve) => (answer = resolve)) });
    await advance(25 * MIN);
    controller.staySignedIn();
    controller.signOut();
    await advance(0);
    expect(leave).not.toHaveBeenCalled();
    answer({ ok: true, value: status() });
    await advance(0);
    expect(leave).toHaveBeenCalledExactlyOnceWith('signed-out', { endOnServer: true });
    expect(controller.getSnapshot().phase).toBe('ended');
  });

  it('happens once, whatever asks for it', async () => {
    const { controller, leave } = setup();
    controller.signOut();
    controller.signOut();
    await advance(HOUR);
    expect(leave).toHaveBeenCalledTimes(1);
  });

  it('leaves no timer behind', async () => {
    const { controller } = setup();
    await advance(25 * MIN);
    controller.signOut();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends no keep-alive afterwards, even when the page wakes with a retry due', async () => {
    const { controller, keepAlive } = setup({ answer: () => ({ ok: false, reason: 'unreachable' }) });
    await advance(25 * MIN);
    controller.staySignedIn();
    await advance(0);
    controller.signOut();
    vi.setSystemTime(Date.now() + 2 * SEC);
    controller.check();
    await advance(0);
    expect(keepAlive).toHaveBeenCalledTimes(1);
  });
});

describe('a tab whose session was replaced', () => {
  // Signing in again in another tab gives the browser a new cookie; this tab's requests carry it.
  const otherSession = (idleMs: number): KeepAliveResult => ({ ok: true, value: { ...status(30 * MIN - idleMs), sessionTag: 'another-tag' } });

  it('does not take an answer about another session as its own: it reloads, and neither reports nor signs out again', async () => {
    const bus = createBus();
    const { controller, keepAlive, leave, reload } = setup({ answer: otherSession, bus });
    await advance(20 * MIN);
    controller.noteActivity();
    // The warning point, and the moment for the other tabs to answer.
    await advance(5 * MIN + SEC);
    expect(keepAlive).toHaveBeenCalledTimes(1);
    expect(reload).toHaveBeenCalledTimes(1);
    // The other session's deadlines were not taken on, and nothing was said to this session's other tabs.
    expect(bus.sent.filter((message) => message.type === 'extended')).toEqual([]);
    controller.noteActivity();
    controller.signOut();
    await advance(2 * HOUR);
    expect(keepAlive).toHaveBeenCalledTimes(1);
    expect(leave).not.toHaveBeenCalled();
    expect(reload).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reloads from the warning too, when Stay signed in finds another session', async () => {
    const { controller, leave, reload } = setup({ answer: otherSession });
    await advance(25 * MIN);
    controller.staySignedIn();
    await advance(0);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(controller.getSnapshot().phase).not.toBe('warning');
    await advance(10 * MIN);
    expect(leave).not.toHaveBeenCalled();
  });
});

describe('start and stop', () => {
  it('does nothing before start, however late it is checked or whatever it hears', () => {
    const { controller, leave, renders } = setup({ start: false });
    vi.setSystemTime(Date.now() + HOUR);
    controller.check();
    controller.receive({ type: 'ended', from: 'another-tab', reason: 'signed-out-elsewhere' });
    expect(vi.getTimerCount()).toBe(0);
    expect(leave).not.toHaveBeenCalled();
    expect(renders).not.toHaveBeenCalled();
  });

  it('ignores the other tabs after stop: a page that has gone is not sent anywhere', () => {
    const { controller, leave } = setup();
    controller.stop();
    controller.receive({ type: 'ended', from: 'another-tab', reason: 'signed-out-elsewhere' });
    controller.receive({ type: 'warning', from: 'another-tab' });
    expect(leave).not.toHaveBeenCalled();
    expect(controller.getSnapshot().phase).toBe('active');
  });

  it('tells a listener nothing once it has unsubscribed (React unmounting)', async () => {
    const { controller } = setup();
    const listener = vi.fn();
    const unsubscribe = controller.subscribe(listener);
    unsubscribe();
    await advance(25 * MIN);
    expect(controller.getSnapshot().phase).toBe('warning');
    expect(listener).not.toHaveBeenCalled();
  });

  it('cancels every timer: nothing fires after it', async () => {
    const { controller, leave, keepAlive, renders } = setup();
    controller.noteActivity();
    renders.mockClear();
    controller.stop();
    expect(vi.getTimerCount()).toBe(0);
    await advance(2 * HOUR);
    controller.check();
    expect(leave).not.toHaveBeenCalled();
    expect(keepAlive).not.toHaveBeenCalled();
    expect(renders).not.toHaveBeenCalled();
  });
});

describe('many tabs of one session', () => {
  it('activity in one tab keeps an idle tab from warning, with one keep-alive for both', async () => {
    const { tabs, keepAlives } = setupTabs(2);
    const [working, idle] = tabs;
    await advance(20 * MIN);
    working?.controller.noteActivity();
    await advance(5 * MIN + SEC);
    expect(working?.controller.getSnapshot().phase).toBe('active');
    expect(idle?.controller.getSnapshot().phase).toBe('active');
    expect(keepAlives()).toBe(1);
    // Both tabs now count from the reported activity: the next warning point is 25 minutes after it.
    await advance(20 * MIN - 2 * SEC);
    expect(idle?.controller.getSnapshot().phase).toBe('active');
    await advance(2 * SEC);
    expect(idle?.controller.getSnapshot().phase).toBe('warning');
    expect(working?.controller.getSnapshot().phase).toBe('warning');
  });

  it('one burst of activity across three tabs costs one keep-alive, reporting the newest activity', async () => {
    const { tabs, keepAlives } = setupTabs(3);
    await advance(10 * MIN);
    tabs[0]?.controller.noteActivity();
    await advance(5 * MIN);
    tabs[1]?.controller.noteActivity();
    await advance(5 * MIN);
    tabs[2]?.controller.noteActivity();
    await advance(5 * MIN + SEC);
    expect(keepAlives()).toBe(1);
    const reported = tabs.flatMap((tab) => tab.keepAlive.mock.calls.map(([idleMs]) => idleMs));
    expect(reported[0]).toBeGreaterThanOrEqual(5 * MIN);
    expect(reported[0]).toBeLessThanOrEqual(5 * MIN + SEC);
  });

  it("a tab that reaches its warning point while another tab's report is on its way waits for that answer", async () => {
    const bus = createBus();
    // A slow network: the answer takes 30 s.
    const slow = (idleMs: number) =>
      new Promise<KeepAliveResult>((resolve) => setTimeout(() => resolve({ ok: true, value: status(30 * MIN - idleMs - 30 * SEC) }), 30 * SEC));
    const reporting = setup({ bus, answer: slow });
    // Loaded 20 s later: its warning point comes after it stopped waiting for the first tab's outcome (15 s).
    const later = setup({ bus, answer: slow, idleMs: 30 * MIN + 20 * SEC });
    await advance(20 * MIN);
    reporting.controller.noteActivity();
    await advance(5 * MIN + 25 * SEC);
    expect(reporting.keepAlive).toHaveBeenCalledTimes(1);
    expect(later.keepAlive).not.toHaveBeenCalled();
    await advance(10 * SEC);
    expect(later.keepAlive).not.toHaveBeenCalled();
    expect(later.controller.getSnapshot().phase).toBe('active');
  });

  it('wakes each tab once per deadline, never again for a moment already reached', async () => {
    const { tabs } = setupTabs(2);
    await advance(25 * MIN + SEC);
    expect(tabs.map((tab) => tab.controller.getSnapshot().phase)).toEqual(['warning', 'warning']);
    for (const tab of tabs) expect(tab.delays).not.toContain(0);
  });

  it('opens the warning in every tab when nobody was active, without a request', async () => {
    const { tabs, keepAlives } = setupTabs(3);
    await advance(25 * MIN + SEC);
    expect(tabs.map((tab) => tab.controller.getSnapshot().phase)).toEqual(['warning', 'warning', 'warning']);
    expect(keepAlives()).toBe(0);
  });

  it('Stay signed in in one tab closes the warning in all of them', async () => {
    const { tabs, keepAlives } = setupTabs(2);
    await advance(26 * MIN);
    tabs[1]?.controller.staySignedIn();
    await advance(0);
    await advance(0);
    expect(tabs.map((tab) => tab.controller.getSnapshot().phase)).toEqual(['active', 'active']);
    expect(keepAlives()).toBe(1);
    await advance(25 * MIN - SEC);
    expect(tabs[0]?.controller.getSnapshot().phase).toBe('active');
  });

  it('signing out in one tab signs out the others with the same reason, clearing the server once', async () => {
    const { tabs, bus } = setupTabs(3);
    tabs[0]?.controller.signOut();
    await advance(0);
    expect(tabs[0]?.leave).toHaveBeenCalledExactlyOnceWith('signed-out', { endOnServer: true });
    expect(tabs[1]?.leave).toHaveBeenCalledExactlyOnceWith('signed-out', { endOnServer: false });
    expect(tabs[2]?.leave).toHaveBeenCalledExactlyOnceWith('signed-out', { endOnServer: false });
    // The tabs that heard it do not say it again.
    expect(bus.sent.filter((message) => message.type === 'ended')).toHaveLength(1);
  });

  it('a keep-alive answered after this tab signed out is not announced to the others', async () => {
    let answer: (result: KeepAliveResult) => void = () => {};
    const { tabs, bus } = setupTabs(2, { answer: () => new Promise((resolve) => (answer = resolve)) });
    await advance(26 * MIN);
    tabs[0]?.controller.staySignedIn();
    tabs[0]?.controller.signOut();
    answer({ ok: true, value: status() });
    await advance(0);
    expect(bus.sent.map((message) => message.type)).not.toContain('extended');
    expect(tabs.map((tab) => tab.controller.getSnapshot().phase)).toEqual(['ended', 'ended']);
  });

  it('a tab with a keep-alive in flight when another signs out clears the server again after it lands', async () => {
    let answer: (result: KeepAliveResult) => void = () => {};
    const { tabs } = setupTabs(2, { answer: () => new Promise((resolve) => (answer = resolve)) });
    await advance(26 * MIN);
    tabs[1]?.controller.staySignedIn();
    tabs[0]?.controller.signOut();
    await advance(0);
    expect(tabs[1]?.leave).not.toHaveBeenCalled();
    answer({ ok: true, value: status() });
    await advance(0);
    expect(tabs[1]?.leave).toHaveBeenCalledExactlyOnceWith('signed-out', { endOnServer: true });
  });

  it('a failed report opens the warning in every tab', async () => {
    const { tabs } = setupTabs(2, { answer: () => ({ ok: false, reason: 'unreachable' }) });
    await advance(20 * MIN);
    tabs[0]?.controller.noteActivity();
    await advance(5 * MIN + SEC);
    expect(tabs.map((tab) => tab.controller.getSnapshot().phase)).toEqual(['warning', 'warning']);
  });

  it('a failed report opens the warning without asking the other tabs again', async () => {
    const { tabs, bus } = setupTabs(2, { answer: () => ({ ok: false, reason: 'unreachable' }) });
    await advance(20 * MIN);
    tabs[0]?.controller.noteActivity();
    // At 25:00 both tabs ask; 250 ms later one of them reports, and its report fails.
    await advance(5 * MIN + SEC);
    expect(tabs.map((tab) => tab.controller.getSnapshot().phase)).toEqual(['warning', 'warning']);
    expect(bus.sent.filter((message) => message.type === 'query')).toHaveLength(2);
  });

  it('the tab that asks hears the activity of a tab loaded later, and reports it', async () => {
    const bus = createBus();
    const asker = setup({ bus });
    const other = setup({ bus, idleMs: 30 * MIN + 10 * SEC });
    await advance(20 * MIN);
    other.controller.noteActivity();
    await advance(5 * MIN + 250);
    expect(asker.keepAlive).toHaveBeenCalledExactlyOnceWith(5 * MIN + 250);
    expect(other.keepAlive).not.toHaveBeenCalled();
    expect(other.controller.getSnapshot().phase).toBe('active');
  });

  it("a tab that answers keeps the asker's activity, and reports it if the asker goes away", async () => {
    const bus = createBus();
    const asker = setup({ bus });
    const other = setup({ bus, idleMs: 30 * MIN + 10 * SEC });
    await advance(24 * MIN);
    asker.controller.noteActivity();
    await advance(MIN);
    bus.leave(asker.controller);
    asker.controller.stop();
    // It holds back 15 s for the asker's outcome, then asks for itself (250 ms) and reports 24:00.
    await advance(16 * SEC);
    expect(other.keepAlive).toHaveBeenCalledTimes(1);
    const [idleMs = 0] = other.keepAlive.mock.calls[0] ?? [];
    expect(idleMs).toBeGreaterThanOrEqual(MIN + 15 * SEC + 250);
    expect(idleMs).toBeLessThanOrEqual(MIN + 16 * SEC);
    expect(other.controller.getSnapshot().phase).toBe('active');
  });

  it('after another tab reported the activity, the next warning point costs no request if nobody was active since', async () => {
    const bus = createBus();
    const asker = setup({ bus });
    const other = setup({ bus, idleMs: 30 * MIN + 10 * SEC });
    await advance(20 * MIN);
    other.controller.noteActivity();
    await advance(5 * MIN + 250);
    expect(asker.keepAlive).toHaveBeenCalledTimes(1);
    bus.leave(asker.controller);
    asker.controller.stop();
    // The server now counts from 20:00: the next warning point is 45:00, and nobody has moved since.
    await advance(20 * MIN);
    expect(other.controller.getSnapshot().phase).toBe('warning');
    expect(other.keepAlive).not.toHaveBeenCalled();
  });

  it('hearing that another tab opened the warning opens it here at once, without asking again', async () => {
    const bus = createBus();
    const asker = setup({ bus });
    // Its own warning point is 10 s later: it opens the warning because it heard, not because it decided.
    const other = setup({ bus, idleMs: 30 * MIN + 10 * SEC });
    await advance(25 * MIN + SEC);
    expect(asker.controller.getSnapshot().phase).toBe('warning');
    expect(other.controller.getSnapshot().phase).toBe('warning');
    expect(bus.sent.filter((message) => message.type === 'query')).toHaveLength(1);
  });

  it('decides alone when the tab that asked goes away without an outcome', async () => {
    const bus = createBus();
    const asker = setup({ bus });
    // Loaded a little later: its warning point comes 10 s after the asker's.
    const other = setup({ bus, idleMs: 30 * MIN + 10 * SEC });
    await advance(24 * MIN);
    other.controller.noteActivity();
    await advance(MIN);
    // The asker closes while it collects answers; the other tab holds back, then decides alone.
    bus.leave(asker.controller);
    asker.controller.stop();
    await advance(14 * SEC);
    expect(other.keepAlive).not.toHaveBeenCalled();
    await advance(2 * SEC);
    expect(other.keepAlive).toHaveBeenCalledTimes(1);
    expect(other.controller.getSnapshot().phase).toBe('active');
  });

  it('a tab whose warning is open does not count mouse movement over it as an answer', async () => {
    const bus = createBus();
    const open = setup({ bus });
    await advance(26 * MIN);
    expect(open.controller.getSnapshot().phase).toBe('warning');
    open.controller.noteActivity();
    // A tab of the same session opened now is inside the warning window and asks at once.
    const late = setup({ bus, idleMs: 4 * MIN });
    await advance(SEC);
    expect(late.controller.getSnapshot().phase).toBe('warning');
    expect(open.keepAlive).not.toHaveBeenCalled();
    expect(late.keepAlive).not.toHaveBeenCalled();
  });
});

describe('the absolute limit', () => {
  it('warns once, a warning period before the absolute deadline, with no request, and signs out with reason absolute', async () => {
    const { controller, keepAlive, leave } = setup({ absoluteMs: 20 * MIN });
    await advance(15 * MIN - SEC);
    expect(controller.getSnapshot().phase).toBe('active');
    await advance(SEC);
    expect(controller.getSnapshot()).toMatchObject({ phase: 'absolute-warning', secondsLeft: 300, warningEndsAt: Date.now() + 5 * MIN });
    // Nothing moves this deadline: the idle dialog's answer does nothing here.
    controller.staySignedIn();
    controller.noteActivity();
    controller.continueWorking();
    expect(controller.getSnapshot().phase).toBe('active');
    await advance(5 * MIN - SEC);
    expect(controller.getSnapshot().phase).toBe('active');
    expect(keepAlive).not.toHaveBeenCalled();
    await advance(SEC);
    expect(leave).toHaveBeenCalledExactlyOnceWith('absolute', { endOnServer: true });
  });

  it('warns of the absolute limit, with no request, when the idle deadline falls at the same moment', async () => {
    const { controller, keepAlive } = setup({ idleMs: 30 * MIN, absoluteMs: 30 * MIN });
    controller.noteActivity();
    await advance(25 * MIN);
    // Reporting the activity could not move a deadline that is also the absolute one.
    expect(controller.getSnapshot().phase).toBe('absolute-warning');
    expect(keepAlive).not.toHaveBeenCalled();
  });

  it('keeps the idle warning open when the absolute limit falls just after the idle deadline', async () => {
    const { controller } = setup({ absoluteMs: 31 * MIN });
    await advance(26 * MIN);
    // Inside the absolute warning's window too, but the idle deadline comes first, and Stay signed in can still move it (up to the limit).
    expect(controller.getSnapshot()).toMatchObject({ phase: 'warning', secondsLeft: 240 });
  });

  it('an idle warning answered near the absolute limit turns into the absolute warning', async () => {
    const { controller, keepAlive } = setup({ absoluteMs: 28 * MIN });
    await advance(23 * MIN);
    // The session ends at 28:00, before the idle deadline at 30:00: the absolute warning comes first.
    expect(controller.getSnapshot().phase).toBe('absolute-warning');
    expect(keepAlive).not.toHaveBeenCalled();
  });
});
