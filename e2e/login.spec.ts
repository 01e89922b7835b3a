import { formatDuration } from '../lib/shared/duration';
import { MAIN_LIFETIMES } from '../test-support/servers';
import { DEMO, expect, sessionStatus, signIn, test } from './fixtures';
import { escapeRegExp } from './pages/dashboard-page';
import { IDLE_LIMITS_SAID } from './pages/login-page';

const COOKIE = '__Host-session';

test('signing in through the form opens the dashboard with the user, role and timeouts', async ({ page, loginPage, dashboard }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.heading).toHaveText('Welcome, Demo User');
  await expect(page.getByText('Role')).toBeVisible();
  await expect(page.getByTestId('idle-timeout')).toContainText(formatDuration(MAIN_LIFETIMES.idleMs));
  // A clock time, "1:05pm", or "1pm" on the hour (a sign-in in the first minute of an hour), "midday", "midnight".
  await expect(dashboard.absoluteEnd).toContainText(/\d{1,2}(:\d{2})?[ap]m|midday|midnight/);
  await expect(dashboard.signOut).toBeVisible();
  await expect(dashboard.notes).toBeEditable();
});

test('a wrong password shows an error summary that takes focus and points at the first field, and starts no session', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, 'not-the-password');
  await expect(loginPage.errorSummary).toBeFocused();
  await expect(loginPage.errorSummary.getByRole('heading', { level: 2 })).toHaveText('There is a problem');
  await expect(loginPage.errorSummary.getByRole('listitem')).toHaveText(['Wrong username or password.']);
  await expect(loginPage.errorSummary.getByRole('link', { name: 'Wrong username or password.' })).toHaveAttribute('href', '#username');
  // About the attempt as a whole, not about one field: no field is marked.
  await expect(loginPage.username).not.toHaveAttribute('aria-invalid');
  await expect(loginPage.password).not.toHaveAttribute('aria-invalid');
  await expect(page).toHaveTitle('Error: Sign in · Session timeout, done right');
  await expect(page).toHaveURL('/login');
  expect(await page.context().cookies()).toEqual([]);
  expect((await sessionStatus(page.request)).body).toEqual({ authenticated: false, reason: 'no-session' });
});

test('empty fields each get their own message, bound to the field, and the summary links to them in order', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.submit.click();
  await expect(loginPage.errorSummary).toBeFocused();
  await expect(loginPage.errorSummary.getByRole('link')).toHaveText(['Enter your username', 'Enter your password']);
  for (const [field, message] of [
    [loginPage.username, 'Enter your username'],
    [loginPage.password, 'Enter your password'],
  ] as const) {
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toHaveAccessibleDescription(`Error: ${message}`);
  }
  await expect(page).toHaveTitle(/^Error: Sign in · /);
  await loginPage.errorSummary.getByRole('link', { name: 'Enter your password' }).click();
  await expect(loginPage.password).toBeFocused();
  // Put right, the errors and the title's "Error:" go.
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
  await expect(page).toHaveTitle('Dashboard · Session timeout, done right');
});

test('after an error the form keeps the username and "Keep me signed in", never the password', async ({ loginPage }) => {
  await loginPage.goto();
  await loginPage.signIn('nobody-who-remembers', 'not-the-password', { remember: true });
  await expect(loginPage.errorSummary).toBeFocused();
  await expect(loginPage.username).toHaveValue('nobody-who-remembers');
  await expect(loginPage.remember).toBeChecked();
  await expect(loginPage.password).toHaveValue('');
});

test('"Keep me signed in" says that inactivity still signs you out', async ({ loginPage }) => {
  await loginPage.goto();
  await expect(loginPage.remember).toHaveAccessibleDescription(
    `You stay signed in when you close the browser, but you are still signed out after ${IDLE_LIMITS_SAID}.`,
  );
});

test('the Sign in button is never disabled: while the answer is on its way it keeps focus, says aria-disabled, and a second press sends nothing', async ({ page, loginPage }) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let posts = 0;
  await page.route('**/login', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts += 1;
    await held;
    await route.continue();
  });
  await loginPage.goto();
  await loginPage.username.fill('nobody-in-a-hurry');
  await loginPage.password.fill('not-the-password');
  await loginPage.submit.click();
  await expect(loginPage.submit).toHaveAttribute('aria-disabled', 'true');
  await expect(loginPage.submit).toHaveJSProperty('disabled', false);
  await expect(loginPage.submit).toBeFocused();
  // Pressed again while the first answer is on its way (Playwright's click would wait: it reads aria-disabled as disabled).
  await page.keyboard.press('Enter');
  await expect(loginPage.submit).toBeFocused();
  expect(posts).toBe(1);
  release();
  await expect(loginPage.errorSummary).toBeFocused();
  await expect(loginPage.submit).not.toHaveAttribute('aria-disabled');
  expect(posts).toBe(1);
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
  expect(expiresInS).toBeGreaterThan(MAIN_LIFETIMES.idleMs / 1_000 - 60);
  expect(expiresInS).toBeLessThanOrEqual(MAIN_LIFETIMES.idleMs / 1_000);
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

for (const [reason, heading, words] of [
  ['idle', 'You were signed out after inactivity', `signed out after ${IDLE_LIMITS_SAID}`],
  ['absolute', 'Your session reached its time limit', `maximum length of ${formatDuration(MAIN_LIFETIMES.absoluteMs)}`],
  ['signed-out', 'You have signed out', 'Your session has ended on this device'],
  ['signed-out-elsewhere', 'You were signed out on another device', 'signed out of every other device'],
  ['ended-by-admin', 'An administrator ended your session', 'An administrator ended this session'],
  ['session-limit', 'You were signed out on this device', 'the one used least recently'],
  ['invalid', 'You were signed out', 'could not be read'],
] as const) {
  test(`after reason=${reason} the login page says why first: in its title, and in a notice that takes focus`, async ({ page, loginPage }) => {
    await loginPage.goto(`?reason=${reason}`);
    await expect(page).toHaveTitle(`${heading} · Sign in · Session timeout, done right`);
    const notice = page.getByRole('region', { name: heading });
    await expect(notice).toBeFocused();
    await expect(notice.getByRole('heading', { level: 2 })).toHaveText(heading);
    await expect(notice).toContainText(words);
    await expect(loginPage.reason).toHaveCount(1);
  });
}

test('without a reason, or with one it does not know, the login page says nothing of a sign-out', async ({ page, loginPage }) => {
  for (const query of ['', '?reason=none', '?reason=bogus']) {
    await loginPage.goto(query);
    await expect(page).toHaveTitle('Sign in · Session timeout, done right');
    await expect(loginPage.reason).toHaveCount(0);
  }
});

test('after a failed sign-in on a page with a reason, focus goes to the error summary, not back to the notice', async ({ page, loginPage }) => {
  await loginPage.goto('?reason=idle');
  await loginPage.signIn('nobody-after-a-timeout', 'not-the-password');
  await expect(loginPage.errorSummary).toBeFocused();
  await expect(page).toHaveTitle('Error: You were signed out after inactivity · Sign in · Session timeout, done right');
});

test('the login page tells people how long inactivity may last, and shows the demo accounts', async ({ page, loginPage }) => {
  await loginPage.goto();
  const limits = `you are signed out after ${IDLE_LIMITS_SAID}, and ${formatDuration(MAIN_LIFETIMES.absoluteMs)} after signing in at the latest`;
  await expect(page.getByText(new RegExp(escapeRegExp(limits)))).toBeVisible();
  await expect(page.getByRole('cell', { name: 'demo-password' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'admin-password' })).toBeVisible();
});
