/**
 * Hears the moment the session ends elsewhere (another device's "Sign out other sessions", an administrator, the
 * cap), from `GET /api/session/events`, so the page leaves at once instead of at its next request.
 *
 * One stream per browser, not per tab (a browser keeps about six connections to a host): the tabs of the session
 * take a Web Lock named after it, and only its holder streams; the lock passes to another tab when the holder's
 * closes or crashes, and the holder relays what it hears on the tab channel. While the stream is down the host
 * checks the session at every reconnect, so an end missed meanwhile is found then. The stream and the lock are
 * let go on `pagehide` and `freeze` (an open connection or a held lock keeps a page out of the back/forward cache)
 * and taken again, with a check, on `pageshow` and `resume`.
 */
import 'client-only';
import { isNoSessionReason, type NoSessionReason } from '../shared/session-status';
import { listen } from './activity';

export interface PushHost {
  /**
   * The stream watches the session `sessionTag`: the one the browser's cookie names now, maybe not the page's.
   * With `reason`, that session has ended, for that reason.
   */
  heard(sessionTag: string, reason?: NoSessionReason): void;
  /** The stream is open again (or could not open): check the session, since an end may have gone unheard. */
  check(): void;
}

const MAX_BACKOFF_MS = 60_000;

export function listenForSessionEnd(sessionTag: string, host: PushHost, target: Window & typeof globalThis = window): () => void {
  // Without EventSource the page learns of an end at its next request, as it always has.
  if (typeof target.EventSource !== 'function') return () => {};
  let source: EventSource | undefined;
  let release: (() => void) | undefined;
  let waiting: AbortController | undefined;
  let retry: number | undefined;
  let failures = 0;
  let running = false;
  // The page was rendered with its session just read: only a stream opened again, after a gap, must check.
  let gap = false;

  const open = () => {
    const opened = new target.EventSource('/api/session/events');
    source = opened;
    opened.onopen = () => {
      failures = 0;
      if (gap) host.check();
      gap = false;
    };
    // `watching` names the session, `ended` its end and why.
    const heard = (event: Event) => {
      const { reason, sessionTag: tag } = JSON.parse((event as MessageEvent<string>).data) as { reason?: unknown; sessionTag?: unknown };
      if (typeof tag !== 'string') return;
      if (event.type === 'watching') return host.heard(tag);
      if (!isNoSessionReason(reason)) return;
      // The page leaves now: nothing more to hear, and no check of a session known to be over.
      stop();
      host.heard(tag, reason);
    };
    opened.addEventListener('watching', heard);
    opened.addEventListener('ended', heard);
    // Closed or refused (a 401, a 503 past the server's limit, the network): check now, and try again later, each
    // wait longer and a little random, so a server coming back is not met by every browser at once.
    opened.onerror = () => {
      close();
      gap = true;
      host.check();
      const wait = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** failures++) * (0.5 + Math.random() / 2);
      retry = target.setTimeout(open, wait);
    };
  };
  const close = () => {
    source?.close();
    source = undefined;
    target.clearTimeout(retry);
  };

  const start = () => {
    if (running) return;
    running = true;
    const locks = target.navigator.locks;
    // Without Web Locks every tab streams for itself.
    if (!locks) return open();
    const asking = new AbortController();
    const held = new Promise<void>((resolve) => (release = resolve));
    waiting = asking;
    // Aborted while it waits (the page hidden meanwhile), the request is dropped from the queue and rejects.
    locks
      .request(`session-push:${sessionTag}`, { signal: asking.signal }, () => {
        if (!asking.signal.aborted) open();
        return held;
      })
      .catch(() => {});
  };
  const stop = () => {
    running = false;
    close();
    waiting?.abort();
    release?.();
  };
  const resume = (event: Event) => {
    // The first pageshow is the page's load, not a return to it.
    if (event.type === 'pageshow' && !(event as PageTransitionEvent).persisted) return;
    gap = true;
    start();
    host.check();
  };

  start();
  const unlisten = [
    listen(target, ['pagehide'], stop),
    listen(target, ['pageshow'], resume),
    listen(target.document, ['freeze'], stop),
    listen(target.document, ['resume'], resume),
  ];
  return () => {
    for (const off of unlisten) off();
    stop();
  };
}
