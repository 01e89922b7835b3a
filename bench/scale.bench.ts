import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { TEST_SECRET } from '../e2e/servers';
import { seal } from '../lib/session-seal';
import { RedisSessionStore } from '../lib/session-store/redis';
import { SqliteSessionStore } from '../lib/session-store/sqlite';
import type { SessionStore } from '../lib/session-store/types';
import { startRedis } from '../lib/testing/redis-server';
import { alternate, median, record, type Figure } from './results';
import { load, startBenchApp, type BenchApp, type Endpoint } from './support';

// Item 6: does the session's cost grow with the number of active sessions? Sign-in, status and
// keep-alive against a store holding 100 and one holding 10,000, side by side, for each store kind.

const SIZES = { small: 100, large: 10_000 } as const;
/** Requests rotate over this many of the stored sessions, so the record lookups are not all the same row. */
const IN_USE = 500;
const CONNECTIONS = 10;
const RUN_S = 2;
const ROUNDS = 2;
const HOUR = 3_600_000;

/** Writes `count` active sessions straight into the store and seals cookies for the first IN_USE of them. */
async function seed(store: SessionStore, count: number): Promise<string[]> {
  const now = Date.now();
  const cookies: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = randomUUID();
    await store.create({
      id,
      username: 'demo',
      role: 'user',
      createdAt: now,
      lastActivityAt: now,
      expiresAt: now + HOUR,
      purgeAt: now + 13 * HOUR,
      remember: false,
      userAgent: 'bench',
    });
    if (i < IN_USE) {
      const value = await seal({ v: 2, sid: id, sub: 'demo', role: 'user', createdAt: now, remember: false }, { current: TEST_SECRET }, 12 * 3600);
      cookies.push(`__Host-session=${value}`);
    }
  }
  await store.close();
  return cookies;
}

function endpoints(cookies: string[]): Record<'signIn' | 'status' | 'keepAlive', Endpoint> {
  let next = 0;
  const cookie = () => cookies[(next += 1) % cookies.length] ?? '';
  return {
    signIn: { method: 'POST', path: '/api/session', body: JSON.stringify({ username: 'demo', password: 'demo-password' }) },
    status: { method: 'GET', path: '/api/session', cookie },
    keepAlive: { method: 'POST', path: '/api/session/keep-alive', body: '{"idleMs":0}', cookie },
  };
}

async function compare(kind: string, small: { app: BenchApp; cookies: string[] }, large: { app: BenchApp; cookies: string[] }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const smallEndpoints = endpoints(small.cookies);
  const largeEndpoints = endpoints(large.cookies);
  for (const name of ['signIn', 'status', 'keepAlive'] as const) {
    // Warm both, then alternate.
    await load(small.app.url, smallEndpoints[name], CONNECTIONS, 1);
    await load(large.app.url, largeEndpoints[name], CONNECTIONS, 1);
    const runs = await alternate(ROUNDS, {
      small: () => load(small.app.url, smallEndpoints[name], CONNECTIONS, RUN_S),
      large: () => load(large.app.url, largeEndpoints[name], CONNECTIONS, RUN_S),
    });
    const bad = [...runs.small, ...runs.large].reduce((sum, run) => sum + run.bad, 0);
    const smallRps = median(runs.small.map((run) => run.rps));
    const largeRps = median(runs.large.map((run) => run.rps));
    figures.push(
      { id: `${kind}-${name}-small`, label: `${kind}: ${name} with ${SIZES.small} sessions`, value: smallRps, unit: 'req/s' },
      { id: `${kind}-${name}-large`, label: `${kind}: ${name} with ${SIZES.large} sessions`, value: largeRps, unit: 'req/s' },
      {
        id: `${kind}-${name}-ratio`,
        label: `${kind}: ${name}, ${SIZES.large} / ${SIZES.small} sessions`,
        value: largeRps / smallRps,
        unit: 'x',
        target: { op: '>=', value: 0.9 },
        note: `${bad} errors or non-2xx`,
      },
    );
    expect.soft(largeRps / smallRps, `${kind} ${name}`).toBeGreaterThanOrEqual(0.9);
    expect.soft(bad, `${kind} ${name}`).toBe(0);
  }
  return figures;
}

test('throughput with 100 and with 10,000 active sessions, SQLite and Redis', async () => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const redis = await startRedis(6385);
  const started: BenchApp[] = [];
  try {
    const db = (size: string) => `.data/bench/scale-${stamp}-${size}.db`;
    const sqlite = {
      small: await seed(new SqliteSessionStore(db('small')), SIZES.small),
      large: await seed(new SqliteSessionStore(db('large')), SIZES.large),
    };
    // Two Redis databases on one server: the same code path as two deployments.
    const redisUrl = (index: number) => `${redis.url}/${index}`;
    const redisCookies = {
      small: await seed(new RedisSessionStore(redisUrl(1)), SIZES.small),
      large: await seed(new RedisSessionStore(redisUrl(2)), SIZES.large),
    };
    const apps = await Promise.all([
      startBenchApp(10, { SESSION_DB_PATH: db('small') }),
      startBenchApp(11, { SESSION_DB_PATH: db('large') }),
      startBenchApp(12, { REDIS_URL: redisUrl(1) }),
      startBenchApp(13, { REDIS_URL: redisUrl(2) }),
    ]);
    started.push(...apps);
    const [sqliteSmall, sqliteLarge, redisSmall, redisLarge] = apps;
    if (!sqliteSmall || !sqliteLarge || !redisSmall || !redisLarge) throw new Error('four servers expected');
    record('scale', [
      ...(await compare('SQLite', { app: sqliteSmall, cookies: sqlite.small }, { app: sqliteLarge, cookies: sqlite.large })),
      ...(await compare('Redis', { app: redisSmall, cookies: redisCookies.small }, { app: redisLarge, cookies: redisCookies.large })),
    ]);
  } finally {
    await Promise.all(started.map((app) => app.stop()));
    await redis.stop();
  }
});
