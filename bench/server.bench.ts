import { expect, test } from '@playwright/test';
import { alternate, median, record } from './results';
import { load, rssMiB, signInOverHttp, startBenchApp, type Endpoint, type LoadFigures } from './support';

// Item 1 and 5: what the session costs the server, against a bare route in the same server and run.
const CONNECTIONS = 10;
const RUN_S = 3;
const ROUNDS = 7;

test('the session endpoints against a bare route: throughput, p99 and memory', async () => {
  const app = await startBenchApp(0, { SESSION_DB_PATH: `.data/bench/server-${Date.now()}.db` });
  try {
    const cookie = await signInOverHttp(app.url);
    const endpoints: Record<'bare' | 'status' | 'keepAlive', Endpoint> = {
      bare: { method: 'GET', path: '/api/health' },
      status: { method: 'GET', path: '/api/session', cookie: () => cookie },
      keepAlive: { method: 'POST', path: '/api/session/keep-alive', body: '{"idleMs":0}', cookie: () => cookie },
    };
    const idleRss = rssMiB(app.pid);
    // Warm up every route (JIT, the seal cache, the store's statements) before anything counts.
    for (const endpoint of Object.values(endpoints)) await load(app.url, endpoint, CONNECTIONS, 1);

    const runs = await alternate(ROUNDS, {
      bare: () => load(app.url, endpoints.bare, CONNECTIONS, RUN_S),
      status: () => load(app.url, endpoints.status, CONNECTIONS, RUN_S),
      keepAlive: () => load(app.url, endpoints.keepAlive, CONNECTIONS, RUN_S),
    });
    const loadedRss = rssMiB(app.pid);
    const rps = (side: LoadFigures[]) => median(side.map((run) => run.rps));
    const p99 = (side: LoadFigures[]) => median(side.map((run) => run.p99));
    const bad = Object.values(runs).flat().reduce((sum, run) => sum + run.bad, 0);

    record('server', [
      { id: 'bare-rps', label: 'bare route (GET /api/health), median', value: rps(runs.bare), unit: 'req/s' },
      { id: 'status-rps', label: 'GET /api/session, median', value: rps(runs.status), unit: 'req/s' },
      { id: 'keep-alive-rps', label: 'POST /api/session/keep-alive, median', value: rps(runs.keepAlive), unit: 'req/s' },
      { id: 'status-ratio', label: 'status throughput / bare', value: rps(runs.status) / rps(runs.bare), unit: 'x', target: { op: '>=', value: 0.8 } },
      { id: 'keep-alive-ratio', label: 'keep-alive throughput / bare', value: rps(runs.keepAlive) / rps(runs.bare), unit: 'x', target: { op: '>=', value: 0.6 } },
      { id: 'bare-p99', label: 'bare route p99, median', value: p99(runs.bare), unit: 'ms' },
      { id: 'status-p99-ratio', label: 'status p99 / bare p99', value: p99(runs.status) / p99(runs.bare), unit: 'x', target: { op: '<=', value: 2 } },
      { id: 'keep-alive-p99-ratio', label: 'keep-alive p99 / bare p99', value: p99(runs.keepAlive) / p99(runs.bare), unit: 'x', target: { op: '<=', value: 2 } },
      { id: 'bad-responses', label: 'errors, timeouts and non-2xx in all runs', value: bad, unit: '', target: { op: '<=', value: 0 } },
      { id: 'rss-idle', label: 'server RSS, idle after start', value: idleRss, unit: 'MiB' },
      { id: 'rss-loaded', label: 'server RSS, at the end of the load', value: loadedRss, unit: 'MiB' },
    ]);
    expect.soft(rps(runs.status) / rps(runs.bare)).toBeGreaterThanOrEqual(0.8);
    expect.soft(rps(runs.keepAlive) / rps(runs.bare)).toBeGreaterThanOrEqual(0.6);
    expect.soft(p99(runs.status) / p99(runs.bare)).toBeLessThanOrEqual(2);
    expect.soft(p99(runs.keepAlive) / p99(runs.bare)).toBeLessThanOrEqual(2);
    expect.soft(bad).toBe(0);
  } finally {
    await app.stop();
  }
});
