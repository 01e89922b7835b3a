/**
 * Messages between the open tabs of one session, so that they act as one: activity in any tab counts
 * for all, one tab reports it, and warnings and sign-outs reach every tab.
 *
 * The channel is named after the session (a hash of its id, never the id itself), so a tab left over
 * from an earlier session or another user hears nothing of this one. BroadcastChannel where it exists;
 * otherwise `storage` events, which every browser with localStorage fires in the other tabs.
 */
import 'client-only';
import { listen } from './activity';
import type { TabMessage } from './timeout-controller';

export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

const TYPES: ReadonlySet<unknown> = new Set(['query', 'activity', 'extended', 'warning', 'ended']);

function isTabMessage(data: unknown): data is TabMessage {
  return typeof data === 'object' && data !== null && TYPES.has((data as TabMessage).type) && typeof (data as TabMessage).from === 'string';
}

export function openTabChannel(sessionTag: string, onMessage: (message: TabMessage) => void): TabChannel {
  const name = `session-timeout:${sessionTag}`;
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(name);
    channel.onmessage = (event: MessageEvent) => isTabMessage(event.data) && onMessage(event.data);
    return { post: (message) => channel.postMessage(message), close: () => channel.close() };
  }

  const onStorage = (event: Event) => {
    const { key, newValue } = event as StorageEvent;
    if (key !== name || !newValue) return;
    try {
      const data: unknown = JSON.parse(newValue);
      if (isTabMessage(data)) onMessage(data);
    } catch {
      // Not ours: ignore.
    }
  };
  const unlisten = listen(window, ['storage'], onStorage);
  return {
    post(message) {
      try {
        // The nonce makes two equal messages two changes, so both fire an event.
        window.localStorage.setItem(name, JSON.stringify({ ...message, nonce: Math.random() }));
      } catch {
        // Storage full or blocked: this tab carries on alone.
      }
    },
    close: unlisten,
  };
}
