import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { ADMIN, DEMO, expect, sessionCookie, sessionStatus, signIn, test } from './fixtures';
import { dbPath, MAIN_LIFETIMES, urlOf } from '../test-support/servers';

const BASE = urlOf('main');

async function call(cookie: string, path = '/api/session', method = 'GET') {
  const response = await fetch(`${BASE}${path}`, { method, headers: { cookie } });
  return { code: response.status, body: (await response.json()) as { reason?: string; authenticated?: boolean } };
}

test('a copy of the cookie replayed after sign-out gets 401 signed-out, on status and keep-alive', async () => {
  const cookie = await sessionCookie(BASE);
  expect((await call(cookie)).code).toBe(200);
  expect((await call(cookie, '/api/session', 'DELETE')).code).toBe(200);
  expect(await call(cookie)).toEqual({ code: 401, body: { authenticated: false, reason: 'signed-out' } });
  expect(await call(cookie, '/api/session/keep-alive', 'POST')).toEqual({ code: 401, body: { authenticated: false, reason: 'signed-out' } });
});

test('a keep-alive racing a sign-out cannot bring the session back', async () => {
  for (let round = 0; round < 10; round += 1) {
    const cookie = await sessionCookie(BASE);
    await Promise.all([
      call(cookie, '/api/session/keep-alive', 'POST'),
      call(cookie, '/api/session', 'DELETE'),
      call(cookie, '/api/session/keep-alive', 'POST'),
    ]);
    const after = await call(cookie, '/api/session/keep-alive', 'POST');
    expect(after.body.reason, `round ${round}`).toBe('signed-out');
  }
});

test('every sign-in starts a new session with its own id', async () => {
  const first = await sessionCookie(BASE);
  const second = await sessionCookie(BASE);
  expect(first).not.toBe(second);
  await call(first, '/api/session', 'DELETE');
  expect((await call(first)).code).toBe(401);
  expect((await call(second)).code).toBe(200);
});

// Ending other sessions reaches every session of the user: these tests get a server of their own, so
// the demo sessions of the specs running beside them are not revoked under their feet.
const OWN_PORT = appPort(9);
const OWN = `http://localhost:${OWN_PORT}`;

test.describe('ending sessions from elsewhere', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ baseURL: OWN });
  let own: RunningApp;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    // No lifetime settings: the defaults, as on `main`.
    own = await startApp(OWN_PORT, { SESSION_DB_PATH: dbPath('revocation') });
  });
  test.afterAll(async () => own?.stop());

  test('the dashboard lists this user\'s sessions, and "Sign out other sessions" ends the others', async ({ page, browser, dashboard }) => {
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage.request);
    await otherPage.goto(`${OWN}/dashboard`);
    await signIn(page.request);
    await dashboard.open();
    const mine = page.getByRole('table', { name: 'Your active sessions' });
    await expect(mine.getByText('(this device)')).toHaveCount(1);
    await expect(mine.getByText(/Headless Chrome on Linux|Chrome on Linux/).first()).toBeVisible();
    await page.getByRole('button', { name: /Sign out other sessions/ }).click();
    await expect(page.getByText('You are not signed in anywhere else.')).toBeVisible();
    await expect(mine.locator('tbody tr')).toHaveCount(1);
    expect((await sessionStatus(page.request)).code).toBe(200);
    // The other browser's page is told at once, and goes to the login page saying so.
    await expect(otherPage).toHaveURL(/\/login\?.*reason=signed-out-elsewhere/);
    await expect(otherPage.getByTestId('signed-out-reason')).toContainText('signed out of every other device');
    expect((await sessionStatus(otherPage.request)).body).toEqual({ authenticated: false, reason: 'signed-out-elsewhere' });
    await other.close();
  });

  // With the stream such a tab leaves at once (session-push.spec.ts); without it (no EventSource, or a server past its
  // limit of streams), at its next request.
  test('without the stream, an open tab whose session an administrator ended goes to the login page at its next keep-alive', async ({ page, browser, dashboard }) => {
    await page.addInitScript(() => {
      // @ts-expect-error: a browser without EventSource
      delete window.EventSource;
    });
    await page.clock.install();
    await signIn(page.request);
    await dashboard.open();
    const admin = await browser.newContext();
    await signIn(admin.request, ADMIN);
    const id = await page.locator('tr[data-session-id]', { hasText: '(this device)' }).getAttribute('data-session-id');
    // The administrator ends exactly this session, through the admin page.
    const adminPage = await admin.newPage();
    await adminPage.goto(`${OWN}/admin/sessions`);
    const row = adminPage.locator(`tr[data-session-id="${id}"]`);
    await expect(row).toContainText(DEMO.username);
    await row.getByRole('button', { name: /End the session of demo/ }).click();
    await expect(row).toHaveCount(0);
    await page.clock.fastForward(MAIN_LIFETIMES.warningAtMs);
    await dashboard.stay.click();
    await expect(page).toHaveURL(/\/login\?.*reason=ended-by-admin/);
    await admin.close();
  });

  test('the admin page lists everyone\'s sessions for administrators only', async ({ page, browser }) => {
    const user = await browser.newContext();
    await signIn(user.request, DEMO);
    await signIn(page.request, ADMIN);
    await page.goto('/admin/sessions');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Active sessions');
    const table = page.getByRole('table', { name: 'All active sessions' });
    await expect(table.getByRole('cell', { name: /demo \(user\)/ }).first()).toBeVisible();
    await expect(table.getByText('(this device)')).toHaveCount(1);

    const userPage = await user.newPage();
    await userPage.goto(`${OWN}/admin/sessions`);
    await expect(userPage).toHaveURL(`${OWN}/dashboard`);
    await user.close();
  });

  test('signed out, the admin page sends you to the login page', async ({ page }) => {
    await page.goto('/admin/sessions');
    await expect(page).toHaveURL(`${OWN}/login?returnTo=%2Fadmin%2Fsessions`);
  });
});
