import { expect, test } from '@playwright/test';
import { redisTestPort, startRedis, type RunningRedis } from '../test-support/redis-server';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { signInRequest } from '../test-support/sign-in';
import { DEMO, sessionCookie } from './fixtures';

async function call(base: string, cookie: string, path = '/api/session', method = 'GET') {
  const response = await fetch(`${base}${path}`, { method, headers: { cookie } });
  return { code: response.status, body: (await response.json()) as { reason?: string; error?: string } };
}

test.describe('two app instances sharing Redis', () => {
  test.describe.configure({ mode: 'serial', timeout: 90_000 });
  let redis: RunningRedis;
  let a: RunningApp;
  let b: RunningApp;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    redis = await startRedis(redisTestPort(1));
    [a, b] = await Promise.all([startApp(appPort(2), { REDIS_URL: redis.url }), startApp(appPort(3), { REDIS_URL: redis.url })]);
  });

  test.afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  test('sign in on A, keep alive on B, sign out on B: A answers 401', async () => {
    const cookie = await sessionCookie(a.url);
    expect((await call(b.url, cookie)).code).toBe(200);
    expect((await call(b.url, cookie, '/api/session/keep-alive', 'POST')).code).toBe(200);
    expect((await call(a.url, cookie)).code).toBe(200);
    expect((await call(b.url, cookie, '/api/session', 'DELETE')).code).toBe(200);
    expect(await call(a.url, cookie)).toEqual({ code: 401, body: { authenticated: false, reason: 'signed-out' } });
    expect((await call(a.url, cookie, '/api/session/keep-alive', 'POST')).body.reason).toBe('signed-out');
  });

  test('a session ended on one instance is refused by the other; the user\'s other sessions live on', async () => {
    const mine = await sessionCookie(a.url);
    const other = await sessionCookie(b.url);
    expect((await call(a.url, other, '/api/session', 'DELETE')).code).toBe(200);
    expect((await call(b.url, other)).body.reason).toBe('signed-out');
    expect((await call(b.url, mine)).code).toBe(200);
  });
});

test.describe('Redis going away and coming back', () => {
  test.describe.configure({ mode: 'serial', timeout: 90_000 });
  let redis: RunningRedis;
  let app: RunningApp;
  const port = redisTestPort(2);

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    redis = await startRedis(port);
    app = await startApp(appPort(4), { REDIS_URL: redis.url });
  });

  test.afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  test('every endpoint answers 503 with a JSON error while Redis is down, and works again once it is back', async ({ page }) => {
    const cookie = await sessionCookie(app.url);
    await redis.stop();

    const json = { 'Content-Type': 'application/json' };
    for (const [method, path, body] of [
      ['GET', '/api/session', undefined],
      ['POST', '/api/session/keep-alive', '{}'],
      ['DELETE', '/api/session', undefined],
      ['POST', '/api/session', JSON.stringify(signInRequest(DEMO).data)],
    ] as const) {
      const started = Date.now();
      const response = await fetch(`${app.url}${path}`, { method, headers: { cookie, ...json }, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(((await response.json()) as { error: string }).error).toMatch(/session service is unavailable/);
      // Never a silent sign-out: the cookie is left alone.
      expect(response.headers.getSetCookie(), `${method} ${path}`).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
    }

    // A page says so plainly instead of signing the user out.
    await page.context().addCookies([
      { name: '__Host-session', value: cookie.split('=').slice(1).join('='), domain: 'localhost', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' },
    ]);
    await page.goto(`${app.url}/dashboard`);
    await expect(page.getByTestId('page-error')).toContainText('session service may be briefly unavailable');

    redis = await startRedis(port);
    // The client reconnects by itself; this Redis kept nothing, so the old session is gone and a new sign-in works.
    await expect.poll(async () => (await call(app.url, cookie)).code, { timeout: 10_000 }).toBe(401);
    const fresh = await sessionCookie(app.url);
    expect((await call(app.url, fresh)).code).toBe(200);
    expect((await call(app.url, fresh, '/api/session/keep-alive', 'POST')).code).toBe(200);
  });
});
