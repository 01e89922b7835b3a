/** When a condition was last seen false and first seen true, on this process's clock. */
export interface Change {
  lastFalse: number;
  firstTrue: number;
}

/**
 * Asks `probe` every 100 ms until it holds, to time a change that only real time brings about. Both
 * bounds are conservative: `lastFalse` is when the last "no" was asked, `firstTrue` when the first "yes"
 * came back, so the change happened between them.
 */
export async function observeChange(probe: () => Promise<boolean>, timeoutMs: number): Promise<Change> {
  const until = Date.now() + timeoutMs;
  let lastFalse = Date.now();
  for (;;) {
    const asked = Date.now();
    if (await probe()) return { lastFalse, firstTrue: Date.now() };
    lastFalse = asked;
    if (Date.now() > until) throw new Error(`still false after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
