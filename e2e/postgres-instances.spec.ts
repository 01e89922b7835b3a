import postgres from 'postgres';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { postgresTestPort, startPostgres, type RunningPostgres } from '../test-support/postgres-server';
import { signInRequest } from '../test-support/sign-in';
import { DEMO, expect, sessionCookie, test } from './fixtures';

async function call(base: string, cookie: string, path = '/api/session', method = 'GET') {
  const body = method === 'POST' ? '{"idleMs":0}' : undefined;
  const response = await fetch(`${base}${path}`, { method, body, headers: { cookie, 'content-type': 'application/json' } });
  return { code: response.status, body: (await response.json()) as { reason?: string; error?: string }, setCookie: response.headers.getSetCookie() };
}

test.describe('two app instances sharing Postgres', () => {
  test.describe.configure({ mode: 'serial', timeout: 90_000 });
  let db: RunningPostgres;
  let a: RunningApp;
  let b: RunningApp;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    db = await startPostgres(postgresTestPort(1));
    [a, b] = await Promise.all([startApp(appPort(23), { DATABASE_URL: db.url }), startApp(appPort(24), { DATABASE_URL: db.url })]);
  });

  test.afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.destroy();
  });

  test('sign in on A, keep alive on B, sign out on B: A answers 401', async () => {
    const cookie = await sessionCookie(a.url);
    expect((await call(b.url, cookie)).code).toBe(200);
    expect((await call(b.url, cookie, '/api/session/keep-alive', 'POST')).code).toBe(200);
    expect((await call(a.url, cookie)).code).toBe(200);
    expect((await call(b.url, cookie, '/api/session', 'DELETE')).code).toBe(200);
    expect((await call(a.url, cookie)).body).toEqual({ authenticated: false, reason: 'signed-out' });
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

test.describe('Postgres going away and coming back', () => {
  test.describe.configure({ mode: 'serial', timeout: 120_000 });
  let db: RunningPostgres;
  let app: RunningApp;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    db = await startPostgres(postgresTestPort(2));
    app = await startApp(appPort(25), { DATABASE_URL: db.url });
  });

  test.afterAll(async () => {
    await app?.stop();
    await db?.destroy();
  });

  test('stopped during a keep-alive load: 503 with a JSON error for the outage, never 500 or a sign-out, and every session works again once it is back', async ({ page }) => {
    const cookies = await Promise.all(Array.from({ length: 10 }, () => sessionCookie(app.url)));
    const seen: Array<{ at: number; code: number; error?: string; cleared: boolean }> = [];
    let running = true;
    // Ten clients, each alternating status and keep-alive on a session of its own, as fast as answers come.
    const clients = cookies.map(async (cookie, i) => {
      for (let n = i; running; n += 1) {
        const { code, body, setCookie } = await call(app.url, cookie, ...(n % 2 ? (['/api/session/keep-alive', 'POST'] as const) : (['/api/session', 'GET'] as const)));
        seen.push({ at: Date.now(), code, error: body.error, cleared: setCookie.some((line) => /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line)) });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stoppedAt = Date.now();
    await db.stop();
    // Meanwhile every endpoint answers 503 with its JSON error, quickly, and leaves the cookie alone.
    const cookie = cookies[0] ?? '';
    for (const [method, path, body] of [
      ['GET', '/api/session', undefined],
      ['POST', '/api/session/keep-alive', '{}'],
      ['DELETE', '/api/session', undefined],
      ['POST', '/api/session', JSON.stringify(signInRequest(DEMO).data)],
    ] as const) {
      const started = Date.now();
      const response = await fetch(`${app.url}${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, body });
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(((await response.json()) as { error: string }).error).toMatch(/session service is unavailable/);
      expect(response.headers.getSetCookie(), `${method} ${path}`).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    // A page says so plainly instead of signing the user out.
    await page.context().addCookies([
      { name: '__Host-session', value: cookie.split('=').slice(1).join('='), domain: 'localhost', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' },
    ]);
    await page.goto(`${app.url}/dashboard`);
    await expect(page.getByTestId('page-error')).toContainText('session service may be briefly unavailable');
    // An outage of 3 s at least, under the load all along.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + 3_000 - Date.now())));
    const restartedAt = Date.now();
    await db.start();
    const backAt = Date.now();
    await expect.poll(() => seen.filter((answer) => answer.at > restartedAt && answer.code === 200).length, { timeout: 15_000 }).toBeGreaterThan(20);
    running = false;
    await Promise.all(clients);

    const codes = [...new Set(seen.map((answer) => answer.code))].sort();
    expect(codes).toEqual([200, 503]);
    expect(seen.filter((answer) => answer.code === 503).every((answer) => /session service is unavailable/.test(answer.error ?? ''))).toBe(true);
    expect(seen.filter((answer) => answer.cleared)).toEqual([]);
    const during = seen.filter((answer) => answer.at > stoppedAt + 200 && answer.at < restartedAt);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((answer) => answer.code === 503)).toBe(true);
    const firstBack = seen.find((answer) => answer.at > restartedAt && answer.code === 200)?.at ?? Number.NaN;
    const lastDown = seen.filter((answer) => answer.code === 503).at(-1)?.at ?? Number.NaN;
    const line =
      `Postgres stopped for ${restartedAt - stoppedAt} ms and listening again ${backAt - restartedAt} ms after its restart began: ${seen.length} answers, ` +
      `${seen.filter((answer) => answer.code === 503).length} × 503; the first 200 ${firstBack - backAt} ms after it listened, the last 503 ${lastDown - backAt} ms after`;
    console.log(line);
    test.info().annotations.push({ type: 'outage', description: line });
    // Back by itself, without a restart of the app: the pool tries again at most a second apart.
    expect(firstBack - backAt, line).toBeLessThan(5_000);

    // Nothing lost: the database kept every session, and each is as active as its last keep-alive left it.
    for (const cookie of cookies) expect((await call(app.url, cookie)).code).toBe(200);
    expect((await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signInRequest(DEMO).data) })).status).toBe(200);
  });

  test('a connection the server ends mid-request (pg_terminate_backend): that request answers 503, the next one 200, the session unharmed', async () => {
    const cookie = await sessionCookie(app.url);
    const admin = postgres(db.url, { max: 2, onnotice: () => {} });
    const holder = await admin.reserve();
    try {
      // Every active session row held by another transaction: the keep-alive's update waits on it, mid-request.
      await holder`BEGIN`;
      await holder`SELECT id FROM session_store.sessions WHERE ended_at IS NULL FOR UPDATE`;
      const keepAlive = call(app.url, cookie, '/api/session/keep-alive', 'POST');
      const waiting = () => admin`SELECT pid FROM pg_stat_activity WHERE application_name = 'session-store' AND wait_event_type = 'Lock'`;
      await expect.poll(async () => (await waiting()).length).toBe(1);
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'session-store' AND wait_event_type = 'Lock'`;
      const answer = await keepAlive;
      expect(answer.code).toBe(503);
      expect(answer.body.error).toMatch(/session service is unavailable/);
      expect(answer.setCookie).toEqual([]);
    } finally {
      await holder`ROLLBACK`;
      holder.release();
      await admin.end();
    }
    expect((await call(app.url, cookie, '/api/session/keep-alive', 'POST')).code).toBe(200);
    expect((await call(app.url, cookie)).code).toBe(200);
  });
});
