import { PORT_BASE } from '../test-support/redis-server';

/**
 * The bench's ports move with E2E_PORT_BASE as the suite's do (test-support/redis-server.ts), so a bench run beside
 * another checkout's suite or bench shares no port with it. With the default base (3100) they are the ones the
 * docs/performance.md names: app servers on 3300..3349, Redis on 6385 and 6386, Postgres on 5485 and 5486.
 */
const step = Math.floor((PORT_BASE - 3100) / 100);

/** App servers: offset 0..49 above this base, 200 above the suite's own base; BENCH_PORT_BASE sets it outright. */
export const BENCH_PORT = Number(process.env.BENCH_PORT_BASE ?? PORT_BASE + 200);

/** Two ports per step among the 20 from `first`, `which` choosing one of the two. */
const pairPort = (first: number, which: 0 | 1) => first + ((15 + 2 * step + which) % 20);

/** The bench's two single Redis servers (0: the scale bench's, 1: the server bench's), in 6370..6389. */
export const benchRedisPort = (which: 0 | 1) => pairPort(6370, which);

/**
 * The bench's two Postgres servers (0: the scale bench's, 1: the server bench's), in 5470..5489: apart from the
 * tests' 5600..5699 (test-support/postgres-server.ts) and the mutation workers' 5700 and up.
 */
export const benchPostgresPort = (which: 0 | 1) => pairPort(5470, which);
