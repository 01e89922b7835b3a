import { DEMO, expect, sessionStatus, signIn, test } from './fixtures';

const COOKIE = '__Host-session';

test('signing in through the form opens the dashboard with the user, role and timeouts', async ({ page, loginPage, dashboard }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.heading).toHaveText('Welcome, Demo User');
  await expect(page.getByText('Role')).toBeVisible();
  await expect(page.getByTestId('idle-timeout')).toContainText('30 minutes');
  await expect(dashboard.absoluteEnd).toContainText(/\d{1,2}:\d{2}/);
  await expect(dashboard.signOut).toBeVisible();
  await expect(dashboard.notes).toBeEditable();
});

test('a wrong password shows an error and starts no session', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, 'not-the-password');
  await expect(loginPage.error).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL('/login');
  expect(await page.context().cookies()).toEqual([]);
  expect((await sessionStatus(page.request)).body).toEqual({ authenticated: false, reason: 'none' });
});

test('the session cookie is HttpOnly, Secure, SameSite=Lax, host-only and ends with the browser', async ({ page }) => {
  await signIn(page.request);
  const cookie = (await page.context().cookies()).find((c) => c.name === COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/', domain: 'localhost', expires: -1 });
});

test('"Keep me signed in" makes the cookie persistent, expiring with the idle deadline', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, DEMO.password, { remember: true });
  await expect(page).toHaveURL('/dashboard');
  const cookie = (await page.context().cookies()).find((c) => c.name === COOKIE);
  const expiresInS = (cookie?.expires ?? 0) - Date.now() / 1000;
  expect(expiresInS).toBeGreaterThan(29 * 60);
  expect(expiresInS).toBeLessThanOrEqual(30 * 60);
});

test('the dashboard sends a signed-out visitor to the login page and back after signing in', async ({ page, loginPage }) => {
  await page.goto('/dashboard');
  await expect(page).toHaveURL('/login?returnTo=%2Fdashboard');
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
});

test('returnTo never leads to another site', async ({ page, loginPage }) => {
  await loginPage.goto('?returnTo=//evil.example/steal');
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
});

for (const [reason, words] of [
  ['idle', 'inactivity'],
  ['absolute', 'maximum'],
  ['signed-out', 'signed out'],
] as const) {
  test(`the login page explains reason=${reason}`, async ({ loginPage }) => {
    await loginPage.goto(`?reason=${reason}`);
    await expect(loginPage.reason).toContainText(words);
  });
}

test('the login page tells people how long inactivity may last, and shows the demo accounts', async ({ page, loginPage }) => {
  await loginPage.goto();
  await expect(page.getByText(/signed out after 30 minutes without activity/)).toBeVisible();
  await expect(page.getByRole('cell', { name: 'demo-password' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'admin-password' })).toBeVisible();
});
