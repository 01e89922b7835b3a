import type { Page } from '@playwright/test';
import { formatDuration } from '../lib/shared/duration';
import { DEMO, expect, test } from './fixtures';
import { MAIN_LIFETIMES, SHORT_LIFETIMES, urlOf } from '../test-support/servers';

test.use({ javaScriptEnabled: false });

// Chromium with scripting turned off by the test still parses <noscript> as text, so its note is read, not seen.
const noscriptNote = (page: Page) => page.locator('noscript').textContent();

test('signing in works without JavaScript, and the dashboard says the warning needs it', async ({ page, loginPage, dashboard }) => {
  await loginPage.goto();
  expect(await noscriptNote(page)).toContain('You can sign in without JavaScript');
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.heading).toHaveText('Welcome, Demo User');
  expect(await noscriptNote(page)).toContain('The warning before a timeout needs JavaScript');
});

test('a wrong password without JavaScript shows the error summary, focused, and keeps the username and "Keep me signed in"', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, 'wrong', { remember: true });
  await expect(loginPage.errorSummary).toBeFocused();
  await expect(loginPage.errorSummary.getByRole('link', { name: 'Wrong username or password.' })).toHaveAttribute('href', '#username');
  await expect(page).toHaveTitle('Error: Sign in · Session timeout, done right');
  await expect(loginPage.username).toHaveValue(DEMO.username);
  await expect(loginPage.remember).toBeChecked();
  await expect(page).toHaveURL(/\/login/);
});

test('empty fields without JavaScript get their messages, bound to the fields, from the server', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.submit.click();
  await expect(loginPage.errorSummary.getByRole('link')).toHaveText(['Enter your username', 'Enter your password']);
  await expect(loginPage.username).toHaveAttribute('aria-invalid', 'true');
  await expect(loginPage.username).toHaveAccessibleDescription('Error: Enter your username');
  await expect(loginPage.password).toHaveAccessibleDescription('Error: Enter your password');
  await expect(page).toHaveTitle(/^Error: Sign in · /);
});

test('after a sign-out without JavaScript the login page says why first: the title, then the notice before anything else', async ({ page, loginPage }) => {
  await loginPage.goto('?reason=idle');
  await expect(page).toHaveTitle('You were signed out after inactivity · Sign in · Session timeout, done right');
  await expect(page.locator('main > *').first()).toHaveAttribute('data-testid', 'signed-out-reason');
  await expect(page.getByRole('region', { name: 'You were signed out after inactivity' })).toContainText(`${formatDuration(MAIN_LIFETIMES.idleMs)} of inactivity`);
});

test('signing out works without JavaScript', async ({ page, loginPage, dashboard }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
  await dashboard.signOut.click();
  await expect(page).toHaveURL('/login?reason=signed-out');
  await page.goto('/dashboard');
  await expect(page).toHaveURL('/login?returnTo=%2Fdashboard');
});

test.describe('on a server with lifetimes of seconds', () => {
  test.use({ baseURL: urlOf('short') });
  test.describe.configure({ timeout: SHORT_LIFETIMES.idleMs + 35_000 });

  test('the server still expires a session signed in without JavaScript', async ({ page, loginPage }) => {
    await loginPage.goto();
    await loginPage.signIn(DEMO.username, DEMO.password);
    await expect(page).toHaveURL('/dashboard');
    // A real wait of this server's idle lifetime, since no page clock runs without JavaScript.
    await expect(async () => {
      await page.goto('/dashboard');
      await expect(page).toHaveURL('/login?returnTo=%2Fdashboard&reason=idle', { timeout: 1_000 });
    }).toPass({ intervals: [5_000], timeout: SHORT_LIFETIMES.idleMs + 15_000 });
  });
});
