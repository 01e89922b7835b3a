import { expect, test } from '@playwright/test';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { ADMIN, DEMO, type Account } from '../test-support/demo-accounts';
import { dbPath } from '../test-support/servers';
import { signInOverHttp } from '../test-support/sign-in';

/** A sign-in and how long its answer took. */
async function timedSignIn(base: string, account: Account) {
  const started = performance.now();
  const answer = await signInOverHttp(base, account);
  return { code: answer.status, body: answer.body as { error?: string }, retryAfter: answer.headers.get('retry-after'), ms: performance.now() - started };
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
    // The first sign-in of a fresh server loads its route: paid here, by a success (no failure counted), not by the
    // first timed attempt, which a busy machine made twice as slow as the rest.
    expect((await timedSignIn(app.url, ADMIN)).code).toBe(200);
  });

  test.afterAll(async () => app?.stop());

  test('"no such user" and "wrong password" get the same answer in a similar time', async () => {
    // Alternate, so that load on the machine hits both alike; each name fails once, below every limit.
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const a = await timedSignIn(app.url, { username: `nobody-${i}`, password: 'x' });
      const b = await timedSignIn(app.url, { ...(i % 2 ? ADMIN : DEMO), password: `wrong-${i}` });
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
    expect((await timedSignIn(app.url, { ...DEMO, password: 'wrong' })).code).toBe(401);
    const blocked = await timedSignIn(app.url, DEMO);
    expect(blocked.code).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(500);
    expect(blocked.body.error).toMatch(/Too many failed sign-in attempts/);
    // Case and surrounding spaces do not make a new name.
    expect((await timedSignIn(app.url, { ...DEMO, username: ' DEMO ' })).code).toBe(429);

    for (let i = 0; i < 3; i += 1) expect((await timedSignIn(app.url, { username: 'ghost', password: 'x' })).code).toBe(401);
    const ghost = await timedSignIn(app.url, { username: 'ghost', password: 'x' });
    expect(ghost.code).toBe(429);
    expect(Object.keys(ghost.body)).toEqual(Object.keys(blocked.body));
  });

  test('after repeated failures from one address: 429 for every name', async () => {
    // 8 + 1 + 3 = 12 failures so far from this address: the limit.
    const blocked = await timedSignIn(app.url, { username: 'someone-new', password: 'x' });
    expect(blocked.code).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect((await timedSignIn(app.url, ADMIN)).code).toBe(429);
  });
});
