import { z } from 'zod';

/**
 * How many rounds each bench alternates its sides for, and how long each load lasts. The default run keeps every
 * figure and takes about a quarter of an hour on 2 cores; each ratio comes with the spread of its rounds, which
 * says when a figure needs the long run. `BENCH_LONG=1` takes the published runs' rounds and durations (the server
 * bench's 5 rounds of 10 s, about 50 minutes in all) and more rounds where they are cheap.
 * BENCH_ROUNDS, BENCH_RUN_S and BENCH_SESSIONS set the server bench's own, over either.
 */
const count = z.coerce.number().int().positive();
const Env = z.object({
  BENCH_LONG: z.enum(['0', '1']).default('0'),
  BENCH_ROUNDS: count.optional(),
  BENCH_RUN_S: count.optional(),
  BENCH_SESSIONS: count.optional(),
});

function parseEnv(env: NodeJS.ProcessEnv) {
  const parsed = Env.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`bench: ${String(issue?.path[0])} is not valid (${issue?.message}): BENCH_LONG takes 0 or 1, the others a whole number above 0`);
}

const env = parseEnv(process.env);
export const LONG = env.BENCH_LONG === '1';

export const PRECISION = {
  /** bench/server.bench.ts: every session check and bare route of ours and the peers, with 1 and with many sessions. */
  server: { rounds: env.BENCH_ROUNDS ?? 5, runS: env.BENCH_RUN_S ?? (LONG ? 10 : 2), sessions: env.BENCH_SESSIONS ?? 1000 },
  /** bench/scale.bench.ts, 100 against 10,000 stored sessions: three rounds is the fewest that have a middle one. */
  scale: { rounds: LONG ? 5 : 3, runS: LONG ? 5 : 2 },
  /** bench/scale.bench.ts, 500 against 20,000 live sessions. */
  live: { rounds: 5, runS: LONG ? 5 : 2 },
  /** bench/streams.bench.ts: the session checks with 1,000 end streams open and with none, alternating. */
  streams: { rounds: 5, runS: LONG ? 5 : 2 },
  /** bench/main-thread.bench.ts: a round is a few hundred milliseconds, so the long run can afford many. */
  mainThread: { rounds: LONG ? 15 : 5 },
} as const;
