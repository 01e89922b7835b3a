import { expect, test } from '@playwright/test';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { clusterTestPorts, startRedisCluster, type ClusterNodeProcess, type RunningCluster } from '../test-support/redis-cluster';
import { ADMIN, DEMO, openStreamingDashboard, sessionCookie, signOutOtherSessions } from './fixtures';

async function call(base: string, cookie: string, path = '/api/session', method = 'GET') {
  const response = await fetch(`${base}${path}`, { method, headers: { cookie, 'Content-Type': 'application/json' }, ...(method === 'POST' ? { body: '{"idleMs":0}' } : {}) });
  return { code: response.status, body: (await response.json()) as { reason?: string; error?: string; authenticated?: boolean } };
}

// The key of the user's sessions hash slot, as the store spells it (lib/server/stores/redis-keys.ts).
const userIndexKey = (username: string) => `sessions:{${encodeURIComponent(username)}}:sessions`;

test.describe('two app instances on a Redis Cluster', () => {
  test.describe.configure({ mode: 'serial', timeout: 120_000 });
  let cluster: RunningCluster;
  let a: RunningApp;
  let b: RunningApp;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    cluster = await startRedisCluster(clusterTestPorts(1));
    const env = { SESSION_STORE: 'redis', REDIS_CLUSTER_NODES: cluster.seeds };
    [a, b] = await Promise.all([startApp(appPort(47), env), startApp(appPort(48), env)]);
  });

  test.afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await cluster?.stop();
  });

  test('sign in on A, keep alive on B, sign out on B: A answers 401, the other session lives on', async () => {
    const cookie = await sessionCookie(a.url);
    const other = await sessionCookie(b.url);
    expect((await call(b.url, cookie)).code).toBe(200);
    expect((await call(b.url, cookie, '/api/session/keep-alive', 'POST')).code).toBe(200);
    expect((await call(a.url, other)).code).toBe(200);
    expect((await call(b.url, cookie, '/api/session', 'DELETE')).code).toBe(200);
    expect(await call(a.url, cookie)).toEqual({ code: 401, body: { authenticated: false, reason: 'signed-out' } });
    expect((await call(a.url, other)).code).toBe(200);
  });

  test('a screen served by A leaves within 2 s when its session is ended on B (sharded pub/sub on the user\'s shard)', async ({ browser }) => {
    const screenContext = await browser.newContext({ baseURL: a.url });
    const screen = await screenContext.newPage();
    await openStreamingDashboard(screen, a.url);
    const actorContext = await browser.newContext({ baseURL: b.url });
    await signOutOtherSessions(await actorContext.newPage(), b.url);
    await expect(screen).toHaveURL(/\/login\?.*reason=signed-out-elsewhere/, { timeout: 2_000 });
    await Promise.all([screenContext.close(), actorContext.close()]);
  });

  test('the administrator\'s page lists sessions from every node of the cluster', async ({ page }) => {
    for (let i = 0; i < 3; i += 1) await sessionCookie(i % 2 ? a.url : b.url);
    // Signed in on A, the page rendered by B: both read the same cluster.
    await page.setExtraHTTPHeaders({ cookie: await sessionCookie(a.url, ADMIN) });
    await page.goto(`${b.url}/admin/sessions`);
    await expect(page.getByRole('heading', { name: /Everyone signed in now \([1-9]\d*\)/ })).toBeVisible();
    // demo's sessions (one user, one slot) and admin's (another) on one page: the header row and at least four.
    await expect(page.getByRole('table', { name: 'All active sessions' }).getByRole('row').nth(4)).toBeVisible();
    await expect(page.getByRole('table', { name: 'All active sessions' })).toContainText('admin');
  });

  test('a master stopped during keep-alives: 503 for a moment, never 500 or a wrong answer, then all works again', async () => {
    const cookies = await Promise.all(Array.from({ length: 4 }, (_, i) => sessionCookie(i % 2 ? a.url : b.url)));
    const master = await cluster.masterOf(userIndexKey(DEMO.username));
    const codes = new Map<number, number>();
    const wrong: string[] = [];
    let first503: number | undefined;
    let last503: number | undefined;
    let stop = false;
    const started = Date.now();
    const load = Array.from({ length: 8 }, async (_, worker) => {
      while (!stop) {
        const app = worker % 2 ? a : b;
        const cookie = cookies[worker % cookies.length] ?? '';
        const answer = await call(app.url, cookie, worker % 3 ? '/api/session/keep-alive' : '/api/session', worker % 3 ? 'POST' : 'GET');
        codes.set(answer.code, (codes.get(answer.code) ?? 0) + 1);
        if (answer.code === 503) {
          first503 ??= Date.now();
          last503 = Date.now();
        } else if (answer.code !== 200) wrong.push(`${answer.code} ${JSON.stringify(answer.body)}`);
      }
    });
    let killedAt = 0;
    let promoted: ClusterNodeProcess;
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await cluster.kill(master);
      killedAt = Date.now();
      promoted = await cluster.waitForFailover(userIndexKey(DEMO.username), master, 30_000);
      // Keep the load on until the apps have answered 200 for a while after the failover.
      const until = Date.now() + 30_000;
      while (Date.now() < until && (last503 === undefined || Date.now() - last503 < 3_000)) await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      // Whatever happened, the load stops before the servers do (afterAll), so that none of it fails against them.
      stop = true;
      await Promise.all(load);
    }

    const window = first503 === undefined || last503 === undefined ? 0 : last503 - first503;
    console.log(
      `failover: master ${master.port} killed ${killedAt - started} ms into the load, replica ${promoted.port} promoted after ${Date.now() - killedAt} ms or less; ` +
        `503 window ${window} ms; answers ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    expect(wrong).toEqual([]);
    expect(codes.get(500)).toBeUndefined();
    expect(Date.now() - (last503 ?? 0)).toBeGreaterThanOrEqual(3_000);
    for (const cookie of cookies) expect((await call(a.url, cookie)).code).toBe(200);
    expect((await call(b.url, await sessionCookie(b.url))).code).toBe(200);
  });
});
