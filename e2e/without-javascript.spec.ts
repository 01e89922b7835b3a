import type { Page } from '@playwright/test';
import { DEMO, expect, test } from './fixtures';
import { urlOf } from './servers';

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

test('a wrong password without JavaScript shows the error and keeps the username', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.signIn(DEMO.username, 'wrong');
  await expect(loginPage.error).toHaveText('Wrong username or password.');
  await expect(loginPage.username).toHaveValue(DEMO.username);
  await expect(page).toHaveURL(/\/login/);
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
  test.describe.configure({ timeout: 60_000 });

  test('the server still expires a session signed in without JavaScript', async ({ page, loginPage }) => {
    await loginPage.goto();
    await loginPage.signIn(DEMO.username, DEMO.password);
    await expect(page).toHaveURL('/dashboard');
    // 25 s idle on this server: a real wait, since no page clock runs without JavaScript.
    await expect(async () => {
      await page.goto('/dashboard');
      await expect(page).toHaveURL('/login?returnTo=%2Fdashboard&reason=idle', { timeout: 1_000 });
    }).toPass({ intervals: [5_000], timeout: 40_000 });
  });
});
