import { describe, expect, it } from 'vitest';
import { admitAttempt } from '../sign-in/throttle';
import { MemoryAttemptStore } from './memory-attempts';

// The in-process counters of SESSION_STORE=cookie under a flood of made-up names (the contract suite holds them to
// the same counting as the stores). Junk that anyone can send never unlocks a locked name, and costs the same per
// attempt however many names came before it.
const WINDOW = 15 * 60_000;
const USER_LIMIT = 5;
const limits = (username: string, address: string) => [
  { key: `user:${username}`, max: USER_LIMIT },
  { key: `addr:${address}`, max: 50 },
];

async function wrongPassword(store: MemoryAttemptStore, username: string, address: string): Promise<boolean> {
  const attempt = await admitAttempt(store, limits(username, address), WINDOW);
  if (attempt.ok) await attempt.value.failed();
  return attempt.ok;
}

describe('the in-process sign-in counters under 200,000 made-up names', () => {
  it('keep demo locked, and take no longer per attempt as the names pile up', { timeout: 120_000 }, async () => {
    const store = new MemoryAttemptStore(USER_LIMIT);
    for (let i = 0; i < USER_LIMIT; i += 1) expect(await wrongPassword(store, 'demo', `10.0.0.${i}`)).toBe(true);
    expect(await wrongPassword(store, 'demo', '10.0.1.1')).toBe(false);

    // Half from one address (refused by its limit once it has 50 failures), half each from an address of its own.
    const rounds: number[] = [];
    for (let round = 0; round < 20; round += 1) {
      const started = performance.now();
      for (let i = 0; i < 10_000; i += 1) {
        const n = round * 10_000 + i;
        await wrongPassword(store, `junk-${n}`, n % 2 ? '198.51.100.7' : `203.0.${n >> 8}.${n & 255}`);
      }
      rounds.push(performance.now() - started);
    }

    expect(await wrongPassword(store, 'demo', '10.0.2.1')).toBe(false);
    // The last 10,000 attempts cost what the first 10,000 did (a scan of the map per new name made them 100 times dearer).
    const [first = 0, last = 0] = [rounds.slice(0, 3).sort((a, b) => a - b)[1], rounds.slice(-3).sort((a, b) => a - b)[1]];
    console.log(`10,000 made-up names: ${first.toFixed(0)} ms at first, ${last.toFixed(0)} ms at 200,000`);
    expect(last).toBeLessThan(3 * first + 50);
  });
});
