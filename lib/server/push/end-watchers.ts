import 'server-only';
import type { EndReason } from '../../shared/session-status';
import { sessionStore, type SessionRecord } from '../stores';

/**
 * Per process: which open streams wait for which session's end, and the store's channel each of their users is
 * heard on (one listener per user however many of the user's streams are open here). On globalThis, as the store
 * is: the route that announces an end and the route that streams are bundled apart.
 */
interface Watchers {
  bySession: Map<string, Set<(reason: EndReason) => void>>;
  byUser: Map<string, { streams: number; listening: Promise<() => Promise<void>> }>;
  /** Each open stream's way to close itself: all are closed when the server is told to stop. */
  closers: Set<() => void>;
}

const slot = globalThis as typeof globalThis & { __endWatchers?: Watchers };

function watchers(): Watchers {
  if (slot.__endWatchers) return slot.__endWatchers;
  const created: Watchers = { bySession: new Map(), byUser: new Map(), closers: new Set() };
  // A server that is stopping waits for its open responses to end, and a stream never ends by itself: close them
  // all, and their browsers reconnect, with backoff, to the server that takes over.
  const closeAll = () => {
    for (const close of created.closers) close();
  };
  process.once('SIGTERM', closeAll);
  process.once('SIGINT', closeAll);
  slot.__endWatchers = created;
  return created;
}

/** Registers an open stream's `close`, to be called when the server stops; the returned function forgets it. */
export function closeOnShutdown(close: () => void): () => void {
  const { closers } = watchers();
  closers.add(close);
  return () => closers.delete(close);
}

/** Streams open in this process, and of one user: the limits are checked against these. */
export const openStreams = (username?: string): number =>
  username === undefined ? [...watchers().byUser.values()].reduce((sum, user) => sum + user.streams, 0) : (watchers().byUser.get(username)?.streams ?? 0);

/** Calls `onEnd` once when any instance announces the end of session `sessionId`; the returned stop forgets it. */
export async function watchEnd(username: string, sessionId: string, onEnd: (reason: EndReason) => void): Promise<() => Promise<void>> {
  const { bySession, byUser } = watchers();
  const waiting = bySession.get(sessionId) ?? new Set();
  waiting.add(onEnd);
  bySession.set(sessionId, waiting);
  let user = byUser.get(username);
  if (!user) {
    const listening = sessionStore().listenForEnds(username, (notice) => {
      for (const listener of watchers().bySession.get(notice.id) ?? []) listener(notice.reason);
    });
    user = { streams: 0, listening };
    byUser.set(username, user);
    // A channel that cannot be listened on is forgotten, so the next stream tries again.
    listening.catch(() => byUser.get(username) === user && byUser.delete(username));
  }
  user.streams += 1;
  const mine = user;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    waiting.delete(onEnd);
    if (waiting.size === 0 && bySession.get(sessionId) === waiting) bySession.delete(sessionId);
    mine.streams -= 1;
    if (mine.streams > 0 || byUser.get(username) !== mine) return;
    byUser.delete(username);
    await (await mine.listening.catch(() => undefined))?.().catch(() => {});
  };
  try {
    await mine.listening;
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

/** Tells every instance that `record` has ended, so that its screens leave now. Never fails the end it reports. */
export async function announceEnd(record: SessionRecord): Promise<void> {
  if (record.endReason === undefined) return;
  try {
    await sessionStore().announceEnd({ id: record.id, username: record.username, reason: record.endReason });
  } catch (error) {
    // Its screens learn it at their next request, or their stream's next heartbeat, as they did before.
    console.warn(`Could not announce the end of a session of ${record.username}`, error);
  }
}
