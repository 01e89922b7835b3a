import 'server-only';
import { config } from '../config';
import { recordEnd } from '../events/event-log';
import { claimSweep, keepsRecords, type SessionStore } from '../stores';

/**
 * The app's own clean-up, so that nobody needs a cron job: sessions whose deadline has passed with no request to
 * notice are ended at that deadline and their event written, events past the retention are deleted, and records
 * past their purge time are forgotten. It runs from a timer in the server process (`startSweeper`, from
 * instrumentation.ts) and from requests, at most every `SESSION_SWEEP_EVERY` in one process; an idle or
 * absolute end is therefore written at most that long after its deadline (plus the sweep's own work), dated at
 * the deadline itself.
 */

/** Sessions ended per read of the expiry index, and the most read in one sweep (10,000: the rest wait for the next). */
const BATCH = 100;
const MAX_BATCHES = 100;

/**
 * The longest the sweep works before it lets requests in. SQLite answers at once, so a sweep's awaits never give
 * the event loop a turn: without this, a backlog (the first sweep after an outage, 10,000 sessions) would be one
 * uninterrupted stretch of a second or more, and every request that came meanwhile would wait for all of it.
 */
const SLICE_MS = 10;

/** Resolves at once while the slice lasts, and after a turn of the event loop (I/O included) once it is used up. */
function slices(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

export interface SweepOutcome {
  /** Sessions ended at their deadline by this sweep (each with its event). */
  ended: number;
  /** Events deleted as older than the retention. */
  events: number;
  /** Records forgotten. */
  records: number;
}

/** One sweep of `store` at `now`. Of two sweeps, or a sweep and a request, only one ends a session (the store's `lapse`). */
export async function sweep(store: SessionStore, now: number): Promise<SweepOutcome> {
  const { absoluteMs } = config().policy;
  const letRequestsIn = slices();
  let ended = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const due = await store.lapsedSince(now, BATCH);
    for (const entry of due) {
      await letRequestsIn();
      const record = await store.lapse(entry.id, entry.username, now, absoluteMs);
      if (!record) continue;
      ended += 1;
      await recordEnd(record, { by: 'system' }, store);
    }
    if (due.length < BATCH) break;
  }
  const events = await store.purgeEvents(now);
  const records = await store.purgeExpired(now);
  return { ended, events, records };
}

const state = globalThis as typeof globalThis & { __sessionSweeper?: NodeJS.Timeout; __sessionSweeping?: boolean };

/** Sweeps if one is due in this process and none is running; never waits for it, never throws. */
export function sweepNowAndThen(now: number): void {
  if (state.__sessionSweeping) return;
  const store = claimSweep(now, config().sweepEveryMs);
  if (!store) return;
  state.__sessionSweeping = true;
  sweep(store, now)
    .catch((error: unknown) => console.warn('Could not sweep the session store', error))
    .finally(() => {
      state.__sessionSweeping = false;
    });
}

/**
 * Starts the process's sweep timer, once: unref'd, so it never keeps the process alive. With `SESSION_STORE=cookie`
 * there is nothing to sweep.
 */
export function startSweeper(): void {
  if (state.__sessionSweeper || !keepsRecords()) return;
  state.__sessionSweeper = setInterval(() => sweepNowAndThen(Date.now()), config().sweepEveryMs);
  state.__sessionSweeper.unref();
}
