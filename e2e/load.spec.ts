import autocannon from 'autocannon';
import { expect, test } from '@playwright/test';
import { postgresTestPort, startPostgres } from '../test-support/postgres-server';
import { redisTestPort, startRedis } from '../test-support/redis-server';
import { appPort, startApp } from '../test-support/app-server';
import { sessionCookie } from './fixtures';
import { urlOf } from '../test-support/servers';

// Run on their own (`npm run test:load`, after the e2e suite): 50 connections for 30 s each would
// starve any test running beside them. LOAD_DURATION_S shortens them while developing.
const DURATION_S = Number(process.env.LOAD_DURATION_S ?? 30);
const CONNECTIONS = 50;
const SESSIONS = 10;

test.describe.configure({ mode: 'serial', timeout: (DURATION_S + 90) * 1000 });

async function hold(base: string, store: string) {
  const cookies = await Promise.all(Array.from({ length: SESSIONS }, () => sessionCookie(base)));
  const pick = () => cookies[Math.floor(Math.random() * cookies.length)] ?? '';
  // Each connection alternates status and keep-alive, on one of several sessions.
  const withCookie = (request: { headers?: Record<string, string> }, context: Record<string, unknown>) => {
    context.cookie ??= pick();
    return { ...request, headers: { ...request.headers, cookie: String(context.cookie) } };
  };
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
    requests: [
      { method: 'GET', path: '/api/session', setupRequest: withCookie },
      { method: 'POST', path: '/api/session/keep-alive', headers: { 'content-type': 'application/json' }, body: '{"idleMs":0}', setupRequest: withCookie },
    ],
  });
  const line =
    `load (${store}): ${CONNECTIONS} connections, ${result.duration} s: ${result.requests.total} requests, ` +
    `${Math.round(result.requests.average)} req/s, latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms max ${result.latency.max} ms, ` +
    `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, 5xx ${result['5xx']}`;
  console.log(line);
  test.info().annotations.push({ type: 'load', description: line });
  expect(result.errors, line).toBe(0);
  expect(result.timeouts, line).toBe(0);
  expect(result['5xx'], line).toBe(0);
  expect(result.non2xx, line).toBe(0);
  expect(result.requests.total, line).toBeGreaterThan(DURATION_S * 10);
  // Every session is still alive and answering after the storm.
  for (const cookie of cookies) expect((await fetch(`${base}/api/session`, { headers: { cookie } })).status).toBe(200);
}

test('status and keep-alive hold 50 connections with the embedded store: no errors, no 5xx', async () => {
  await hold(urlOf('main'), 'SQLite');
});

test('status and keep-alive hold 50 connections with Redis: no errors, no 5xx', async () => {
  const redis = await startRedis(redisTestPort(3));
  const app = await startApp(appPort(8), { REDIS_URL: redis.url });
  try {
    await hold(app.url, 'Redis');
  } finally {
    await app.stop();
    await redis.stop();
  }
});

test('status and keep-alive hold 50 connections with Postgres: no errors, no 5xx', async () => {
  const postgres = await startPostgres(postgresTestPort(3));
  try {
    const app = await startApp(appPort(26), { DATABASE_URL: postgres.url });
    try {
      await hold(app.url, 'Postgres');
    } finally {
      await app.stop();
    }
  } finally {
    await postgres.destroy();
  }
});
