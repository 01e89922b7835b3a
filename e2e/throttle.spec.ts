import { expect, test } from '@playwright/test';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { dbPath } from '../test-support/servers';

async function signIn(base: string, username: string, password: string) {
  const started = performance.now();
  const response = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { error?: string };
  return { code: response.status, body, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started };
}

test.describe('sign-in throttling', () => {
  test.describe.configure({ mode: 'serial', timeout: 90_000 });
  let app: RunningApp;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    app = await startApp(appPort(7), {
      SESSION_DB_PATH: dbPath('throttle'),
      SIGN_IN_MAX_FAILURES_PER_USER: '3',
      SIGN_IN_MAX_FAILURES_PER_ADDRESS: '12',
      SIGN_IN_THROTTLE_WINDOW: '10m',
    });
  });

  test.afterAll(async () => app?.stop());

  test('"no such user" and "wrong password" get the same answer in a similar time', async () => {
    // Alternate, so that load on the machine hits both alike; each name fails once, below every limit.
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const a = await signIn(app.url, `nobody-${i}`, 'x');
      const b = await signIn(app.url, i % 2 ? 'admin' : 'demo', `wrong-${i}`);
      expect(a.code).toBe(401);
      expect(b.code).toBe(401);
      expect(a.body).toEqual(b.body);
      unknown.push(a.ms);
      wrong.push(b.ms);
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
    const [u, w] = [median(unknown), median(wrong)];
    expect(Math.max(u, w) / Math.min(u, w), `medians ${u.toFixed(1)} ms vs ${w.toFixed(1)} ms`).toBeLessThan(2);
  });

  test('after repeated failures for one username: 429 with Retry-After, even with the right password, for known and unknown names alike', async () => {
    // demo failed twice above; one more reaches the limit of 3.
    expect((await signIn(app.url, 'demo', 'wrong')).code).toBe(401);
    const blocked = await signIn(app.url, 'demo', 'demo-password');
    expect(blocked.code).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(500);
    expect(blocked.body.error).toMatch(/Too many failed sign-in attempts/);
    // Case and surrounding spaces do not make a new name.
    expect((await signIn(app.url, ' DEMO ', 'demo-password')).code).toBe(429);

    for (let i = 0; i < 3; i += 1) expect((await signIn(app.url, 'ghost', 'x')).code).toBe(401);
    const ghost = await signIn(app.url, 'ghost', 'x');
    expect(ghost.code).toBe(429);
    expect(Object.keys(ghost.body)).toEqual(Object.keys(blocked.body));
  });

  test('after repeated failures from one address: 429 for every name', async () => {
    // 8 + 1 + 3 = 12 failures so far from this address: the limit.
    const blocked = await signIn(app.url, 'someone-new', 'x');
    expect(blocked.code).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect((await signIn(app.url, 'admin', 'admin-password')).code).toBe(429);
  });
});
