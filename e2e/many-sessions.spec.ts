import { randomUUID } from 'node:crypto';
import type { BrowserContext } from '@playwright/test';
import { createClient } from 'redis';
import type { SessionStore } from '../lib/server/stores/types';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { startStore, type StoreUnderTest } from '../test-support/store-under-test';
import { ADMIN, DEMO, expect, medianFetch, sessionCookie, signIn, test } from './fixtures';
import { MAIN_LIFETIMES } from '../test-support/servers';

// One user signed in in many places, and administrators paging through many sessions, on each store.
// Each store gets a server of its own with the default cap of 20 sessions per user (and the default lifetimes, as
// on `main`); the tests seed records straight into the same store and read their expectations back from it. Lists
// show the latest expiry first.
const CAP = 20;
const HOUR = 3_600_000;

async function status(base: string, cookie: string) {
  const response = await fetch(`${base}/api/session`, { headers: { cookie } });
  return { code: response.status, body: (await response.json()) as { reason?: string } };
}

/** The session cookie a browser context holds, as a Cookie header. */
async function cookieOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === '__Host-session');
  if (!cookie) throw new Error('no session cookie');
  return `${cookie.name}=${cookie.value}`;
}

/** Active sessions written straight into the store, each expiring a millisecond before the one before it. */
async function seed(store: SessionStore, count: number, username: (i: number) => string, expiresAt: number): Promise<string[]> {
  const now = Date.now();
  const ids = Array.from({ length: count }, () => randomUUID());
  for (const [i, id] of ids.entries()) {
    await store.create(
      { id, username: username(i), role: 'user', createdAt: now, lastActivityAt: now - 60_000, authenticatedAt: now, expiresAt: expiresAt - i, remember: false, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' },
      CAP,
    );
  }
  return ids;
}

/** How many bytes Redis sent its clients while `url` was fetched once. */
async function redisBytesFor(redisUrl: string, url: string, cookie: string): Promise<number> {
  const client = await createClient({ url: redisUrl }).connect();
  try {
    const sent = async () => Number(/total_net_output_bytes:(\d+)/.exec(await client.info('stats'))?.[1]);
    const before = await sent();
    expect((await fetch(url, { headers: { cookie } })).status).toBe(200);
    return (await sent()) - before;
  } finally {
    client.destroy();
  }
}

const STORES = [
  { name: 'SQLite', port: appPort(20) },
  { name: 'Redis', port: appPort(21) },
  { name: 'Postgres', port: appPort(22) },
] as const;

for (const kind of STORES) {
  test.describe(`many sessions, ${kind.name}`, () => {
    test.describe.configure({ mode: 'serial', timeout: 90_000 });
    const base = `http://localhost:${kind.port}`;
    test.use({ baseURL: base });
    let under: StoreUnderTest | undefined;
    let app: RunningApp;
    let store: SessionStore;

    test.beforeAll(async () => {
      test.setTimeout(90_000);
      // The right password sent 50 times at once checks at most the per-user limit of them at a time, and a
      // sign-in waits at most 5 s for its turn: room for all 50 at once, so a busy machine cannot turn the
      // cap's test into one of the throttle's.
      const throttle = { SIGN_IN_MAX_FAILURES_PER_USER: '50' };
      under = await startStore(kind.name, { offset: 6, label: 'many-sessions' });
      app = await startApp(kind.port, { ...under.env, ...throttle });
      store = under.open();
    });
    test.afterAll(async () => {
      await store?.close();
      await app?.stop();
      await under?.stop();
    });

    test(`50 sign-ins of one user at once leave exactly ${CAP} active; the other 30 read 401 session-limit`, async () => {
      const cookies = await Promise.all(Array.from({ length: 50 }, () => sessionCookie(base, DEMO)));
      const answers = await Promise.all(cookies.map((cookie) => status(base, cookie)));
      expect(answers.filter((answer) => answer.code === 200)).toHaveLength(CAP);
      expect(answers.filter((answer) => answer.code === 401 && answer.body.reason === 'session-limit')).toHaveLength(50 - CAP);
      expect((await store.listByUser(DEMO.username, Date.now(), { offset: 0, limit: 1 })).total).toBe(CAP);
    });

    test('a browser signed out by the cap is told why on the login page', async ({ page, dashboard, loginPage }) => {
      await signIn(page.request, DEMO);
      await dashboard.open();
      // Twenty sign-ins elsewhere: this browser's session is now the least recently used of 21.
      for (let i = 0; i < CAP; i += 1) await sessionCookie(base, DEMO);
      // The page is told at once (its stream), and leaves by itself.
      await expect(page).toHaveURL(/\/login\?reason=session-limit&returnTo=%2Fdashboard$/);
      await expect(loginPage.reason).toContainText(`signed in in more than ${CAP} places at once`);
      expect(await status(base, await cookieOf(page.context()))).toEqual({ code: 401, body: { authenticated: false, reason: 'session-limit' } });
    });

    test('signing in again in a browser ends its live session: a copy of the old cookie reads 401 replaced', async ({ page, loginPage }) => {
      await signIn(page.request, DEMO);
      const old = await cookieOf(page.context());
      await signIn(page.request, ADMIN);
      const current = await cookieOf(page.context());
      expect(current).not.toBe(old);
      expect(await status(base, old)).toEqual({ code: 401, body: { authenticated: false, reason: 'replaced' } });
      expect((await status(base, current)).code).toBe(200);
      await loginPage.goto('?reason=replaced');
      await expect(loginPage.reason).toContainText('This session ended because you signed in again in this browser; sign in to carry on.');
    });

    test.describe('without JavaScript', () => {
      test.use({ javaScriptEnabled: false });

      test('the admin page shows 50 sessions a page, the total in its heading, with Previous and Next', async ({ page }) => {
        const run = randomUUID().slice(0, 8);
        // Between a user's idle deadline and an administrator's: the latest expiries of all but the administrators'
        // sessions, they fill the list in this order after those.
        const seeded = await seed(store, 110, (i) => `pager-${run}-${i}`, Date.now() + (MAIN_LIFETIMES.idleMs + MAIN_LIFETIMES.idleAdminMs) / 2);
        await signIn(page.request, ADMIN);
        const now = Date.now();
        const total = (await store.listAll(now, { offset: 0, limit: 1 })).total;
        // Administrators' sessions (this one, and any an earlier test left) come first: their idle lifetime is the longer.
        const admins = (await store.listByUser(ADMIN.username, now, { offset: 0, limit: 1 })).total;
        const pages = Math.ceil(total / 50);
        const rows = page.getByRole('table', { name: 'All active sessions' }).locator('tbody tr');
        const pager = page.getByRole('navigation', { name: 'Pages of all active sessions' });

        await page.goto('/admin/sessions');
        await expect(page.getByRole('heading', { name: `Everyone signed in now (${total.toLocaleString('en')})` })).toBeVisible();
        await expect(rows).toHaveCount(50);
        await expect(rows.nth(admins)).toHaveAttribute('data-session-id', seeded[0] ?? '');
        await expect(rows.nth(49)).toHaveAttribute('data-session-id', seeded[49 - admins] ?? '');
        await expect(pager).toContainText(`Page 1 of ${pages}`);
        await expect(pager.getByRole('link', { name: 'Previous' })).toHaveCount(0);

        await pager.getByRole('link', { name: 'Next' }).click();
        await expect(page).toHaveURL('/admin/sessions?page=2');
        await expect(pager).toContainText(`Page 2 of ${pages}`);
        await expect(rows.first()).toHaveAttribute('data-session-id', seeded[50 - admins] ?? '');
        await expect(rows).toHaveCount(50);

        await page.goto(`/admin/sessions?page=${pages}`);
        await expect(rows).toHaveCount(total - 50 * (pages - 1));
        await expect(pager.getByRole('link', { name: 'Next' })).toHaveCount(0);
        await pager.getByRole('link', { name: 'Previous' }).click();
        await expect(pager).toContainText(`Page ${pages - 1} of ${pages}`);

        // Whatever the address bar says, a page that exists: the first for nonsense, the last past the end.
        for (const [query, shown] of [['page=abc', 1], ['page=0', 1], ['page=-2', 1], ['page=1e3', 1], ['page=2&page=3', 1], ['page=999999999', pages]] as const) {
          await page.goto(`/admin/sessions?${query}`);
          await expect(pager, query).toContainText(`Page ${shown} of ${pages}`);
        }
      });

      // What the far page costs beside the first is measured by the bench (bench/scale.bench.ts, at most 1.5x); here,
      // what it shows, a loose guard on its time (a page that walked the ones before it would cost several times more),
      // and on Redis what it reads.
      test(`with 10,000 sessions, a page number far past the end shows the last page${kind.name === 'Redis' ? ', and Redis sends no more for it than for page 1' : ''}`, async () => {
        test.setTimeout(120_000);
        // 500 users of 20 sessions each (the cap), spread over the index as many users spread it.
        const run = randomUUID().slice(0, 8);
        for (let user = 0; user < 500; user += 25) {
          await Promise.all(Array.from({ length: 25 }, (_, i) => seed(store, CAP, () => `many-${run}-${user + i}`, Date.now() + HOUR)));
        }
        const cookie = await sessionCookie(base, ADMIN);
        const pages = Math.ceil((await store.listAll(Date.now(), { offset: 0, limit: 0 })).total / 50);
        expect(pages).toBeGreaterThanOrEqual(200);
        const first = await medianFetch(`${base}/admin/sessions`, cookie);
        const far = await medianFetch(`${base}/admin/sessions?page=999999999`, cookie);
        const line = `page 1 ${first.ms} ms, page 999999999 ${far.ms} ms`;
        console.log(`${kind.name} admin page, 10,000 sessions, median of 7: ${line}`);
        test.info().annotations.push({ type: `${kind.name} admin page, 10,000 sessions, median of 7`, description: line });
        expect(first.html).toContain(`Page 1 of ${pages}`);
        expect(far.html).toContain(`Page ${pages} of ${pages}`);
        expect(far.ms).toBeLessThanOrEqual(4 * first.ms + 100);
        const redis = under?.redis;
        if (redis) {
          // What Redis sent for each page: the time hides it at this size, the bytes do not (each of the 16 shards'
          // every entry, twice, before the count came first).
          const [firstBytes, farBytes] = [await redisBytesFor(redis.url, `${base}/admin/sessions`, cookie), await redisBytesFor(redis.url, `${base}/admin/sessions?page=999999999`, cookie)];
          console.log(`Redis sent ${firstBytes} bytes for page 1, ${farBytes} for page 999999999`);
          expect(farBytes).toBeLessThanOrEqual(firstBytes);
        }
      });

      test('the dashboard lists this user\'s sessions 10 a page, and counts them all', async ({ page }) => {
        // Expiring a minute before the session this browser is about to start, which is listed first.
        await seed(store, 12, () => DEMO.username, Date.now() + MAIN_LIFETIMES.idleMs - 60_000);
        await signIn(page.request, DEMO);
        const total = (await store.listByUser(DEMO.username, Date.now(), { offset: 0, limit: 1 })).total;
        const rows = page.getByRole('table', { name: 'Your active sessions' }).locator('tbody tr');
        const pager = page.getByRole('navigation', { name: 'Pages of your active sessions' });

        await page.goto('/dashboard');
        await expect(rows).toHaveCount(10);
        await expect(rows.first()).toContainText('(this device)');
        await expect(pager).toContainText(`Page 1 of ${Math.ceil(total / 10)}`);
        await expect(page.getByRole('button', { name: `Sign out other sessions (${total - 1})` })).toBeVisible();
        await pager.getByRole('link', { name: 'Next' }).click();
        await expect(page).toHaveURL('/dashboard?page=2');
        await expect(rows).toHaveCount(Math.min(10, total - 10));
        await expect(rows.getByText('(this device)')).toHaveCount(0);
      });
    });
  });
}
