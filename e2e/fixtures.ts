import { test as base, expect, type APIRequestContext, type BrowserContext, type Page, type Request } from '@playwright/test';
import { DashboardPage, escapeRegExp } from './pages/dashboard-page';
import { LoginPage } from './pages/login-page';
import { DEMO, type Account } from '../test-support/demo-accounts';
import { signInOverHttp, signInRequest, type SignInOptions } from '../test-support/sign-in';

export { ADMIN, DEMO } from '../test-support/demo-accounts';

export interface Status {
  authenticated: boolean;
  reason?: string;
  idleExpiresInMs?: number;
  absoluteExpiresInMs?: number;
}

/** Signs in over HTTP, sharing the cookie with whatever owns `request` (a page's context, or a bare API context). */
export async function signIn(request: APIRequestContext, account: Account = DEMO, options: SignInOptions = {}) {
  const response = await request.post('/api/session', signInRequest(account, { remember: false, ...options }));
  expect(response.status(), await response.text()).toBe(200);
}

/** Resolves when `page` has its end stream (GET /api/session/events) open; `timeout` as Playwright's own. */
export const streamOpened = (page: Page, timeout?: number) =>
  page.waitForResponse((response) => response.url().endsWith('/api/session/events') && response.status() === 200, { timeout });

/** Signs `demo` in for `page` and opens the dashboard at `base`, its end stream open. */
export async function openStreamingDashboard(page: Page, base: string): Promise<void> {
  await signIn(page.request);
  const streaming = streamOpened(page);
  await page.goto(`${base}/dashboard`);
  await streaming;
}

/** Signs `demo` in for `page` at `base` and presses "Sign out other sessions", until the page says it is done. */
export async function signOutOtherSessions(page: Page, base: string): Promise<void> {
  await signIn(page.request);
  await page.goto(`${base}/dashboard`);
  await page.getByRole('button', { name: /Sign out other sessions/ }).click();
  await expect(page.getByText('You are not signed in anywhere else.')).toBeVisible();
}

/** Signs in with plain HTTP, no browser: returns the `name=value` pair to send back as the Cookie header. */
export async function sessionCookie(baseUrl: string, account: Account = DEMO): Promise<string> {
  const answer = await signInOverHttp(baseUrl, account);
  expect(answer.status, answer.text).toBe(200);
  if (!answer.cookie) throw new Error('sign-in set no cookie');
  return answer.cookie;
}

/** The median of `runs` fetches of a whole page, read to its end, and the page as a person reads it. */
export async function medianFetch(url: string, cookie: string, runs = 7): Promise<{ ms: number; html: string }> {
  const times: number[] = [];
  let html = '';
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    // React separates adjacent texts with empty comments: gone, the page reads as a person sees it.
    html = (await response.text()).replaceAll('<!-- -->', '');
    times.push(performance.now() - started);
    expect(response.status).toBe(200);
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[Math.floor(runs / 2)] ?? 0), html };
}

export async function sessionStatus(request: APIRequestContext): Promise<{ code: number; body: Status }> {
  const response = await request.get('/api/session');
  return { code: response.status(), body: (await response.json()) as Status };
}

/**
 * Counts the page's keep-alive requests and lets a test wait until none is in flight. Jumping the
 * page's clock while a request is on the wire would fire its timeout: a real user's minutes pass slowly.
 */
export function watchKeepAlives(target: Page | BrowserContext) {
  const bodies: Array<{ idleMs: number }> = [];
  let pending: Array<Promise<unknown>> = [];
  (target as Page).on('request', (request: Request) => {
    if (!request.url().endsWith('/api/session/keep-alive')) return;
    bodies.push(request.postDataJSON() as { idleMs: number });
    pending.push(request.response().then((response) => response?.finished()));
  });
  return {
    bodies,
    async settled() {
      const waiting = pending;
      pending = [];
      await Promise.all(waiting);
    },
  };
}

/**
 * Makes the page report itself hidden or visible, as a background tab or a minimised window would, and
 * fires `visibilitychange`. Headless Chromium has no real background tabs.
 */
export async function setVisibility(page: Page, state: 'hidden' | 'visible') {
  await page.evaluate((state) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
    // As browsers fire it: at the document, bubbling.
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, state);
}

/**
 * A regular expression's source for any one of `texts`, each taken literally: for what a loaded machine may show a
 * second either side of a boundary, such as the countdown as the warning opens.
 */
export const anyOf = (...texts: string[]) => `(?:${texts.map(escapeRegExp).join('|')})`;

/** The page's own clock time: Playwright's clock, once installed. */
export const pageNow = (page: Page) => page.evaluate(() => Date.now());

/**
 * Stops the page's clock a second from now, so that from here on only the test moves it: while the
 * test waits on a loaded machine, real time would otherwise run the countdown on between two checks.
 */
export const holdClock = async (page: Page) => page.clock.pauseAt((await pageNow(page)) + 1_000);

export const test = base.extend<{ loginPage: LoginPage; dashboard: DashboardPage }>({
  loginPage: async ({ page }, provide) => provide(new LoginPage(page)),
  dashboard: async ({ page }, provide) => provide(new DashboardPage(page)),
});

export { expect };
