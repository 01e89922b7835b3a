// No 'server-only' marker: unit tests open it in plain Node. Lint keeps the browser out.
import { LRUCache } from 'lru-cache';
import { RESERVATION_HOLD_MS, type AttemptCount, type AttemptStore } from './types';

/** Keys held at most in each of the two tiers: a flood of made-up usernames costs bounded memory. */
const MAX_KEYS = 100_000;

interface Window extends AttemptCount {
  /** Until when the reservations still being checked (`count - failures`) count: see `RESERVATION_HOLD_MS`. */
  heldUntil: number;
}

/**
 * Sign-in attempts counted in this process, for `SESSION_STORE=cookie`, which has no store to count them in.
 * Each method runs in one turn of the event loop, so it is as atomic as the stores' scripts. What it cannot
 * do: share counts between instances (each instance of the app gives the guessers its own budget) or keep
 * them across a restart.
 *
 * Bounded in two tiers, each a least-recently-used cache with O(1) eviction, whose entries also go when their
 * window closes: keys with fewer failures than `lockedAt`, and keys with at least that many. A flood of made-up
 * names (each refused, or wrong once) can only push other such names out; a locked key is pushed out only by
 * other locked keys, each of which cost `lockedAt` password checks. A key left with nothing counted goes at once.
 */
export class MemoryAttemptStore implements AttemptStore {
  private readonly counting = new LRUCache<string, Window>({ max: MAX_KEYS });
  private readonly locked = new LRUCache<string, Window>({ max: MAX_KEYS });

  /** `lockedAt`: the fewest failures that lock a key (the per-username limit, the smaller of the two). */
  constructor(private readonly lockedAt = 5) {}

  async reserveAttempt(key: string, windowMs: number, now: number): Promise<AttemptCount> {
    let window = this.find(key);
    if (!window || window.resetAt <= now) window = this.keep(key, { count: 0, failures: 0, resetAt: now + windowMs, heldUntil: 0 }, now);
    // Reservations never released stop counting once the latest is older than the hold.
    if (window.heldUntil <= now) window.count = window.failures;
    window.count += 1;
    window.heldUntil = now + RESERVATION_HOLD_MS;
    return { count: window.count, failures: window.failures, resetAt: window.resetAt };
  }

  async failAttempt(key: string, resetAt: number): Promise<void> {
    // Should the key have been forgotten meanwhile (its reservation lapsed), the failure still counts in its window.
    const window = this.find(key) ?? this.keep(key, { count: 0, failures: 0, resetAt, heldUntil: 0 }, Date.now());
    if (window.resetAt !== resetAt) return;
    window.failures += 1;
    window.count = Math.max(window.count, window.failures);
    if (window.failures === this.lockedAt) {
      this.counting.delete(key);
      this.locked.set(key, window, { ttl: Math.max(1, resetAt - Date.now()) });
    }
  }

  async releaseAttempt(key: string, resetAt: number, forgetFailures = false): Promise<void> {
    const window = this.find(key);
    if (window?.resetAt !== resetAt) return;
    if (forgetFailures) {
      window.count = Math.max(0, window.count - 1 - window.failures);
      window.failures = 0;
    } else window.count = Math.max(window.failures, window.count - 1);
    if (window.count === 0) {
      this.counting.delete(key);
      this.locked.delete(key);
    }
  }

  private find(key: string): Window | undefined {
    return this.locked.get(key) ?? this.counting.get(key);
  }

  private keep(key: string, window: Window, now: number): Window {
    this.locked.delete(key);
    // The cache's own clock only forgets a closed window sooner; the window is judged by `now` all the same.
    this.counting.set(key, window, { ttl: Math.max(1, window.resetAt - now) });
    return window;
  }
}
