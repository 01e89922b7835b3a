import type { Page } from '@playwright/test';
import { ADMIN, DEMO, expect, signIn, test } from './fixtures';

const HSTS = 'max-age=63072000; includeSubDomains';

// The last two only start like the routes the proxy leaves alone (/api/…, /_next/…): they are pages too.
const PAGES = ['/login', '/login?reason=idle', '/dashboard', '/admin/sessions', '/no-such-page', '/apiX', '/_nextX'];

/** Collects CSP violations and console errors from the moment the page starts, before any of its scripts. */
async function watchForViolations(page: Page) {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.exposeFunction('reportViolation', (text: string) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportViolation: (text: string) => void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return problems;
}

test('every page sends a nonce-based CSP and the other security headers', async ({ page }) => {
  await signIn(page.request, ADMIN);
  const nonces = new Set<string>();
  for (const path of PAGES) {
    const response = await page.request.get(path, { maxRedirects: 0 });
    const headers = response.headers();
    const csp = headers['content-security-policy'] ?? '';
    expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).toContain("object-src 'none'");
    expect(csp, path).not.toContain('unsafe-inline');
    expect(csp, path).not.toContain('unsafe-eval');
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
    expect(headers['strict-transport-security'], path).toBe(HSTS);
    nonces.add(/'nonce-([^']+)'/.exec(csp)?.[1] ?? '');
  }
  // A fresh nonce for every response.
  expect(nonces.size).toBe(PAGES.length);
});

test('a post to a path that only starts like /api is held to the pages\' limits', async ({ request }) => {
  expect((await request.post('/apiX', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, data: 'x'.repeat(20_000) })).status()).toBe(413);
  // The routes under /api/ keep their own checks.
  expect((await request.post('/api/session', { headers: { 'Content-Type': 'application/json' }, data: 'x'.repeat(20_000) })).status()).toBe(413);
  expect((await request.post('/api/health', { data: 'x'.repeat(20_000) })).status()).toBe(200);
});

test('the API answers carry nosniff, Referrer-Policy and Strict-Transport-Security too', async ({ request }) => {
  const response = await request.get('/api/session');
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
  expect(response.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(response.headers()['strict-transport-security']).toBe(HSTS);
});

test('signing out (DELETE /api/session) tells the browser to clear its cache; other answers do not', async ({ request }) => {
  await signIn(request);
  expect((await request.get('/api/session')).headers()['clear-site-data']).toBeUndefined();
  const response = await request.delete('/api/session');
  expect(response.status()).toBe(200);
  expect(response.headers()['clear-site-data']).toBe('"cache"');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the Sign out form ends the session and tells the browser to clear its cache', async ({ page, dashboard }) => {
    await signIn(page.request);
    const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-session');
    await page.goto('/dashboard');
    const [answer] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/sign-out')), dashboard.signOut.click()]);
    expect(answer.status()).toBe(303);
    expect(await answer.headerValue('clear-site-data')).toBe('"cache"');
    await expect(page).toHaveURL('/login?reason=signed-out');
    const replayed = await fetch(new URL('/api/session', page.url()), { headers: { cookie: `${cookie?.name}=${cookie?.value}` } });
    expect(await replayed.json()).toEqual({ authenticated: false, reason: 'signed-out' });
  });
});

test('the login page hydrates under the CSP with no violation and signs in', async ({ page, loginPage }) => {
  const problems = await watchForViolations(page);
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
  await expect(page.getByTestId('absolute-end').locator('time')).toHaveAttribute('datetime', /.+/);
  expect(problems).toEqual([]);
});

test('the dashboard and the admin page run under the CSP with no violation', async ({ page }) => {
  const problems = await watchForViolations(page);
  await signIn(page.request, ADMIN);
  await page.goto('/dashboard');
  await expect(page.getByTestId('absolute-end').locator('time')).toHaveAttribute('datetime', /.+/);
  await page.getByRole('link', { name: /Everyone's sessions/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Active sessions');
  expect(problems).toEqual([]);
});

test('the pages cannot be framed', async ({ page }) => {
  await page.goto('/login');
  await page.setContent(`<iframe src="${page.url()}" title="framed"></iframe>`);
  const frame = page.frameLocator('iframe');
  await expect(frame.getByRole('heading', { name: 'Sign in' })).toHaveCount(0);
});
