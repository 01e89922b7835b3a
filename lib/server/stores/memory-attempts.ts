// No 'server-only' marker: unit tests open it in plain Node. Lint keeps the browser out.
import type { AttemptCount, AttemptStore } from './types';

/** Keys held at most: a flood of made-up usernames costs bounded memory. */
const MAX_KEYS = 100_000;

/**
 * Sign-in attempts counted in this process, for `SESSION_STORE=cookie`, which has no store to count them in.
 * Each method runs in one turn of the event loop, so it is as atomic as the stores' scripts. What it cannot
 * do: share counts between instances (each instance of the app gives the guessers its own budget) or keep
 * them across a restart. When full, closed windows go first, then the oldest key: a flood of new keys can
 * then forget the oldest one's failures, never lock anyone out.
 */
export class MemoryAttemptStore implements AttemptStore {
  private readonly windows = new Map<string, AttemptCount>();

  async reserveAttempt(key: string, windowMs: number, now: number): Promise<AttemptCount> {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.makeRoom(now);
      window = { count: 0, failures: 0, resetAt: now + windowMs };
      this.windows.delete(key);
      this.windows.set(key, window);
    }
    window.count += 1;
    return { ...window };
  }

  async failAttempt(key: string, resetAt: number): Promise<void> {
    const window = this.windows.get(key);
    if (window?.resetAt === resetAt) window.failures += 1;
  }

  async releaseAttempt(key: string, resetAt: number, forgetFailures = false): Promise<void> {
    const window = this.windows.get(key);
    if (window?.resetAt !== resetAt) return;
    const forgotten = forgetFailures ? window.failures : 0;
    window.count = Math.max(0, window.count - 1 - forgotten);
    window.failures -= forgotten;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < MAX_KEYS) return;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value ?? '');
  }
}
