import type { EngineTab } from './engine';
import { DEMO } from '../../test-support/demo-accounts';
import { expect, test } from './fixtures';
import { DashboardScreen } from './pages/dashboard-screen';
import { LoginScreen } from './pages/login-screen';

const text = (tab: EngineTab, css: string) => tab.evaluate(`document.querySelector(${JSON.stringify(css)})?.textContent ?? ''`);

// Firefox turns scripts off for a whole browser: this test starts one of its own.
test.describe.configure({ timeout: 60_000 });

test('signing in works with scripts off, and the dashboard says the warning needs them', async ({ open }) => {
  const tab = await (await open({ javaScript: false })).newTab();
  const login = new LoginScreen(tab);
  await login.goto();
  expect(await text(tab, 'noscript')).toContain('You can sign in without JavaScript');
  await login.fill(DEMO);
  // Enter in the password field submits the form: Firefox exposes no accessibility tree to WebDriver
  // BiDi while scripts are off, so the button cannot be found by its role there.
  await tab.press('Enter');
  await expect.poll(() => new DashboardScreen(tab).path(), { timeout: 10_000 }).toBe('/dashboard');
  expect(await text(tab, 'h1')).toBe('Welcome, Demo User');
  expect(await text(tab, 'noscript')).toContain('The warning before a timeout needs JavaScript');
  // Next's client runtime defines `window.next` once it runs: it never did.
  expect(await tab.evaluate('typeof window.next')).toBe('undefined');
});
