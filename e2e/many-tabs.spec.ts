import type { BrowserContext, Page } from '@playwright/test';
import { expect, sessionStatus, signIn, test, watchKeepAlives } from './fixtures';
import { DashboardPage } from './pages/dashboard-page';
import { MAIN_LIFETIMES, urlOf } from '../test-support/servers';
import { HEARTBEAT_MS } from '../lib/server/push/heartbeat';

// Tabs of one browser profile are pages of one context. The clock belongs to the context, so every
// tab's time jumps together, as it does for tabs on one machine.

const { warningBeforeMs, warningAtMs } = MAIN_LIFETIMES;
/** How long before the warning point a tab was last active, in the tests where one was: any time well inside it. */
const ACTIVE_BEFORE_WARNING_MS = 5 * 60_000;

type Tab = DashboardPage;
async function openTabs(context: BrowserContext, first: Page, count: 1): Promise<[Tab]>;
async function openTabs(context: BrowserContext, first: Page, count: 2): Promise<[Tab, Tab]>;
async function openTabs(context: BrowserContext, first: Page, count: 3): Promise<[Tab, Tab, Tab]>;
async function openTabs(context: BrowserContext, first: Page, count: number): Promise<Tab[]> {
  const tabs = [new DashboardPage(first)];
  for (let i = 1; i < count; i += 1) tabs.push(new DashboardPage(await context.newPage()));
  for (const tab of tabs) await tab.open();
  return tabs;
}

test.beforeEach(async ({ page }) => {
  await page.clock.install();
  await signIn(page.request);
});

test('activity in one tab keeps an idle tab from warning or signing out, with one keep-alive for both', async ({ context, page }) => {
  const [working, idle] = await openTabs(context, page, 2);
  const keepAlives = watchKeepAlives(context);
  await page.clock.fastForward(warningAtMs - ACTIVE_BEFORE_WARNING_MS);
  await working.page.mouse.move(200, 200);
  await page.clock.fastForward(ACTIVE_BEFORE_WARNING_MS);
  await expect.poll(() => keepAlives.bodies.length).toBe(1);
  await keepAlives.settled();
  // A minute past the first idle deadline: both tabs are still signed in and nobody was warned. (The server, whose
  // clock is real, dates the activity no earlier than the sign-in it saw seconds ago: the keep-alive gave a whole
  // idle lifetime, and the next warning point is the time to it away.)
  await page.clock.fastForward(warningBeforeMs + 60_000);
  for (const tab of [working, idle]) {
    await expect(tab.page).toHaveURL('/dashboard');
    await expect(tab.dialog).toBeHidden();
  }
  expect(keepAlives.bodies).toHaveLength(1);
  expect((await sessionStatus(page.request)).code).toBe(200);
});

test('one burst of activity across three tabs costs one keep-alive, reporting the newest activity', async ({ context, page }) => {
  const tabs = await openTabs(context, page, 3);
  const keepAlives = watchKeepAlives(context);
  // The tabs are active one after another, a quarter, a half and three quarters of the way to the warning point.
  const step = warningAtMs / 4;
  for (const tab of tabs) {
    await page.clock.fastForward(step);
    await tab.page.mouse.move(100, 100);
    await tab.page.keyboard.press('Shift');
  }
  // At the warning point the last tab's activity is a step old.
  await page.clock.fastForward(step);
  await expect.poll(() => keepAlives.bodies.length).toBe(1);
  await keepAlives.settled();
  const [report] = keepAlives.bodies;
  expect(report?.idleMs).toBeGreaterThanOrEqual(step - 1_000);
  expect(report?.idleMs).toBeLessThanOrEqual(step + 1_000);
  await page.clock.runFor(2_000);
  expect(keepAlives.bodies).toHaveLength(1);
});

test('the warning opens in every tab, and "Stay signed in" in one closes it in all within a second', async ({ context, page }) => {
  const [first, second] = await openTabs(context, page, 2);
  await page.clock.fastForward(warningAtMs);
  await expect(first.dialog).toBeVisible();
  await expect(second.dialog).toBeVisible();
  await second.stay.click();
  await expect(second.dialog).toBeHidden();
  await expect(first.dialog).toBeHidden({ timeout: 1_000 });
});

for (const [how, act] of [
  ['the Sign out button', (tab: Tab) => tab.signOut.click()],
  ['"Log out now"', async (tab: Tab) => {
    await tab.page.clock.fastForward(warningAtMs);
    await tab.logOutNow.click();
  }],
] as const) {
  test(`signing out with ${how} in one tab signs out every tab within a second`, async ({ context, page }) => {
    const [first, second, third] = await openTabs(context, page, 3);
    await act(first);
    await expect(first.page).toHaveURL('/login?reason=signed-out');
    for (const tab of [second, third]) await expect(tab.page).toHaveURL('/login?reason=signed-out', { timeout: 1_000 });
    expect((await sessionStatus(page.request)).code).toBe(401);
  });
}

test('at the idle deadline every tab leaves for the login page with reason idle, each to come back to its own page', async ({ context, page }) => {
  const [first, second] = await openTabs(context, page, 2);
  await second.page.goto('/dashboard?view=second');
  await page.clock.fastForward(warningAtMs);
  await expect(first.dialog).toBeVisible();
  await page.clock.fastForward(warningBeforeMs);
  await expect(first.page).toHaveURL('/login?reason=idle&returnTo=%2Fdashboard');
  await expect(second.page).toHaveURL('/login?reason=idle&returnTo=%2Fdashboard%3Fview%3Dsecond', { timeout: 1_000 });
});

/**
 * The stream that tells a page its session ended (e2e/session-push.spec.ts) makes a replaced tab reload into the
 * newer session at once. These tests are of what the tabs do without it, as in a browser without EventSource.
 */
const withoutPush = (context: BrowserContext) =>
  context.addInitScript(() => {
    // @ts-expect-error: a browser without EventSource
    delete window.EventSource;
  });

test("a tab of an earlier session ignores this session's messages", async ({ context, page }) => {
  await withoutPush(context);
  const [earlier] = await openTabs(context, page, 1);
  // Signing in again starts a new session, with its own channel.
  await signIn(page.request);
  const [current, alsoCurrent] = await openTabs(context, await context.newPage(), 2);
  await page.clock.fastForward(warningAtMs);
  for (const tab of [earlier, current, alsoCurrent]) await expect(tab.dialog).toBeVisible();
  await current.stay.click();
  // The message reached the current session's other tab, and not the earlier session's tab.
  await expect(alsoCurrent.dialog).toBeHidden({ timeout: 1_000 });
  await expect(earlier.dialog).toBeVisible();
});

test('without BroadcastChannel, tabs still agree through storage events', async ({ context, page }) => {
  await context.addInitScript(() => {
    // @ts-expect-error: a browser without BroadcastChannel
    delete window.BroadcastChannel;
  });
  const [working, idle] = await openTabs(context, page, 2);
  expect(await idle.page.evaluate(() => typeof BroadcastChannel)).toBe('undefined');
  const keepAlives = watchKeepAlives(context);
  await page.clock.fastForward(warningAtMs - ACTIVE_BEFORE_WARNING_MS);
  await working.page.mouse.move(150, 150);
  await page.clock.fastForward(ACTIVE_BEFORE_WARNING_MS);
  await expect.poll(() => keepAlives.bodies.length).toBe(1);
  await keepAlives.settled();
  await page.clock.runFor(2_000);
  await expect(idle.dialog).toBeHidden();
  // Just past the next warning point, the time to it after the keep-alive (see the first test).
  await page.clock.fastForward(warningAtMs);
  await expect(idle.dialog).toBeVisible();
  await expect(working.dialog).toBeVisible();
  await idle.stay.click();
  await expect(working.dialog).toBeHidden({ timeout: 1_000 });
});

// Signing in again (here over HTTP, as another tab's form would) gives the browser a new cookie for a
// new session; a tab still open from the older session sends that cookie with its next request.
test.describe('a tab left open from a session that a new sign-in replaced', () => {
  async function markStale(tab: Tab) {
    await tab.page.evaluate(() => document.body.setAttribute('data-rendered-for-the-older-session', ''));
  }
  const reloaded = (tab: Tab) => expect(tab.page.locator('body[data-rendered-for-the-older-session]')).toHaveCount(0);

  test('with the stream, reloads into the newer session within a heartbeat of the sign-in that replaced its own', async ({ context, page }) => {
    const [older] = await openTabs(context, page, 1);
    await markStale(older);
    await signIn(page.request);
    await expect(older.page.locator('body[data-rendered-for-the-older-session]')).toHaveCount(0, { timeout: HEARTBEAT_MS + 5_000 });
    await expect(older.page).toHaveURL('/dashboard');
    expect((await sessionStatus(page.request)).code).toBe(200);
  });

  test('reports activity once, sees the answer is for another session, and reloads into that session', async ({ context, page }) => {
    await withoutPush(context);
    const [older] = await openTabs(context, page, 1);
    await signIn(page.request);
    await markStale(older);
    const keepAlives = watchKeepAlives(context);
    await page.clock.fastForward(warningAtMs - ACTIVE_BEFORE_WARNING_MS);
    await older.page.mouse.move(120, 120);
    await page.clock.fastForward(ACTIVE_BEFORE_WARNING_MS);
    await expect.poll(() => keepAlives.bodies.length).toBe(1);
    await reloaded(older);
    await expect(older.page).toHaveURL('/dashboard');
    await expect(older.dialog).toBeHidden();
    // The reloaded page is the new session's: its timer runs from that session's deadlines, with no second report.
    await page.clock.runFor(2_000);
    expect(keepAlives.bodies).toHaveLength(1);
    expect((await sessionStatus(page.request)).code).toBe(200);
  });

  test('the server ends a session only when it is the one the tab names', async ({ context, page }) => {
    const tag = ((await page.request.get('/api/session').then((response) => response.json())) as { sessionTag: string }).sessionTag;
    const seal = (await context.cookies()).find((cookie) => cookie.name === '__Host-session')?.value ?? '';
    // The record behind the cookie, read with a copy of it (a sign-out also clears the browser's).
    const recordSays = async () => (await fetch(`${urlOf('main')}/api/session`, { headers: { cookie: `__Host-session=${seal}` } })).json();
    const another = await page.request.delete('/api/session', { headers: { 'X-Session-Tag': 'AnotherSession00' } });
    expect(another.status()).toBe(409);
    expect(((await another.json()) as { error: string }).error).toMatch(/another session/);
    expect(await recordSays()).toMatchObject({ authenticated: true, sessionTag: tag });
    const own = await page.request.delete('/api/session', { headers: { 'X-Session-Tag': tag } });
    expect(own.status()).toBe(200);
    expect(await recordSays()).toEqual({ authenticated: false, reason: 'signed-out' });
  });

  test('at its own idle deadline it does not sign the new session out: it reloads into it', async ({ context, page }) => {
    await withoutPush(context);
    const [older] = await openTabs(context, page, 1);
    await signIn(page.request);
    await markStale(older);
    await page.clock.fastForward(warningAtMs);
    await expect(older.dialog).toBeVisible();
    await page.clock.fastForward(warningBeforeMs);
    await reloaded(older);
    await expect(older.page).toHaveURL('/dashboard');
    expect((await sessionStatus(page.request)).code).toBe(200);
  });
});
