import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTabChannel, type TabChannel } from './tab-channel';
import type { TabMessage } from './timeout-controller';

const warning: TabMessage = { type: 'warning', from: 'tab-a' };
const ended: TabMessage = { type: 'ended', from: 'tab-a', reason: 'idle' };

/** Tabs of one browser, each with what it heard; closed after every test. */
const open: TabChannel[] = [];
function tab(sessionTag: string) {
  const heard: TabMessage[] = [];
  let wake: () => void = () => {};
  const channel = openTabChannel(sessionTag, (message) => {
    heard.push(message);
    wake();
  });
  open.push(channel);
  /** Resolves once `count` messages have arrived (BroadcastChannel delivers on a later turn); fails after a second. */
  const received = (count: number) =>
    new Promise<TabMessage[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`heard ${heard.length} of ${count} messages within 1 s`)), 1_000);
      wake = () => {
        if (heard.length < count) return;
        clearTimeout(timer);
        resolve(heard);
      };
      wake();
    });
  return { channel, heard, received };
}

afterEach(() => {
  for (const channel of open.splice(0)) channel.close();
  vi.unstubAllGlobals();
});

describe('openTabChannel over BroadcastChannel', () => {
  it('carries every kind of message to the other tabs of the session, not back to the sender', async () => {
    const a = tab('session-1');
    const b = tab('session-1');
    const c = tab('session-1');
    const deadlines = { idleAt: 1_800_000, absoluteAt: 43_200_000, warningBeforeMs: 300_000 };
    const all: TabMessage[] = [
      { type: 'query', from: 'tab-a', lastActivity: 5 },
      { type: 'activity', from: 'tab-a', to: 'tab-b', lastActivity: 7, busy: true },
      { type: 'extended', from: 'tab-a', reportedActivity: 7, deadlines },
      warning,
      ended,
    ];
    for (const message of all) a.channel.post(message);
    expect(await b.received(all.length)).toEqual(all);
    expect(await c.received(all.length)).toEqual(all);
    expect(a.heard).toEqual([]);
  });

  it('a tab of another session hears nothing', async () => {
    const other = tab('session-2');
    const mine = tab('session-1');
    tab('session-2').channel.post(warning);
    tab('session-1').channel.post(ended);
    expect(await mine.received(1)).toEqual([ended]);
    expect(await other.received(1)).toEqual([warning]);
  });

  it('ignores what is not a tab message, and hears the next one that is', async () => {
    const listener = tab('session-1');
    // Anything else on the page may open a channel of that name and post anything.
    const stranger = new BroadcastChannel('session-timeout:session-1');
    for (const data of [null, 'warning', 42, {}, { type: 'warning' }, { type: 'warning', from: 7 }, { type: 'reload', from: 'tab-x' }]) {
      stranger.postMessage(data);
    }
    stranger.postMessage(warning);
    expect(await listener.received(1)).toEqual([warning]);
    stranger.close();
  });

  it('hears nothing after close', async () => {
    const closed = tab('session-1');
    const listening = tab('session-1');
    closed.channel.close();
    tab('session-1').channel.post(warning);
    await listening.received(1);
    expect(closed.heard).toEqual([]);
  });
});

/**
 * Where BroadcastChannel is missing (older Safari), tabs talk through `localStorage`: a write in one tab
 * fires a `storage` event in every other tab of the origin. Node has neither, so `window` here is an
 * EventTarget receiving the events a browser would deliver, with a `localStorage` that keeps what is
 * written. The whole round trip between real tabs is proven in Chromium by e2e/many-tabs.spec.ts.
 */
describe('openTabChannel over storage events', () => {
  function browserWithoutBroadcastChannel(setItem: (key: string, value: string) => void = () => {}) {
    const written: Array<{ key: string; value: string }> = [];
    const window = Object.assign(new EventTarget(), {
      localStorage: {
        setItem(key: string, value: string) {
          setItem(key, value);
          written.push({ key, value });
        },
      },
    });
    vi.stubGlobal('BroadcastChannel', undefined);
    vi.stubGlobal('window', window);
    /** What another tab's write looks like here. */
    const storageEvent = (key: string | null, newValue: string | null) => window.dispatchEvent(Object.assign(new Event('storage'), { key, newValue }));
    return { written, storageEvent };
  }

  it('writes each message under the session key, and another tab reads it back', () => {
    const browser = browserWithoutBroadcastChannel();
    const sender = tab('session-1');
    const receiver = tab('session-1');
    sender.channel.post(ended);
    expect(browser.written).toHaveLength(1);
    const [write] = browser.written;
    expect(write?.key).toBe('session-timeout:session-1');
    browser.storageEvent(write?.key ?? null, write?.value ?? null);
    expect(receiver.heard).toEqual([expect.objectContaining(ended)]);
  });

  it('makes two equal messages two different writes, since storage fires an event only on a change', () => {
    const browser = browserWithoutBroadcastChannel();
    const sender = tab('session-1');
    sender.channel.post(warning);
    sender.channel.post(warning);
    const [first, second] = browser.written.map(({ value }) => value);
    expect(first).not.toBe(second);
  });

  it('ignores other keys, removals, broken JSON and what is not a tab message', () => {
    const browser = browserWithoutBroadcastChannel();
    const receiver = tab('session-1');
    const message = JSON.stringify(warning);
    browser.storageEvent('session-timeout:session-2', message);
    browser.storageEvent('notes-draft:demo', message);
    browser.storageEvent(null, null); // localStorage.clear() in another tab
    browser.storageEvent('session-timeout:session-1', null);
    browser.storageEvent('session-timeout:session-1', '');
    browser.storageEvent('session-timeout:session-1', '{"type":"warning",');
    browser.storageEvent('session-timeout:session-1', 'null');
    browser.storageEvent('session-timeout:session-1', '{"type":"warning"}');
    expect(receiver.heard).toEqual([]);
    browser.storageEvent('session-timeout:session-1', message);
    expect(receiver.heard).toEqual([warning]);
  });

  it('carries on alone when storage refuses the write (full or blocked)', () => {
    browserWithoutBroadcastChannel(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    expect(() => tab('session-1').channel.post(warning)).not.toThrow();
  });

  it('hears nothing after close', () => {
    const browser = browserWithoutBroadcastChannel();
    const receiver = tab('session-1');
    receiver.channel.close();
    browser.storageEvent('session-timeout:session-1', JSON.stringify(warning));
    expect(receiver.heard).toEqual([]);
  });
});
