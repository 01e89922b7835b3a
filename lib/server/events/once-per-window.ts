import 'server-only';
import { LRUCache } from 'lru-cache';

/**
 * Events that anyone can cause over and over (a refused sign-in or confirmation, a keep-alive with a cookie of the
 * previous secret replayed without the new one) are written once per key and window, not once per request: the
 * first one says all the later ones would. This remembers which were written, in this process, until their
 * window ends; at most 10,000 keys, the least recently seen going first, so made-up keys cost bounded memory.
 * Several instances each write their own first one.
 */
const writtenUntil = new LRUCache<string, number>({ max: 10_000 });

/** True the first time `key` is seen in a window that ends at `until` (epoch ms, the app's clock), false after that until then. */
export function firstInWindow(key: string, until: number, now = Date.now()): boolean {
  if ((writtenUntil.get(key) ?? 0) > now) return false;
  writtenUntil.set(key, until);
  return true;
}
