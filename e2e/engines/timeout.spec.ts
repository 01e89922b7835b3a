import { chromiumArgs, chromiumExecutable } from '../../test-support/chromium';
import { ENGINES_LIFETIMES, urlOf } from '../../test-support/servers';
import { signIn } from '../fixtures';
import { ADMIN, DEMO } from '../../test-support/demo-accounts';
import { expect, test } from './fixtures';
import { DashboardScreen } from './pages/dashboard-screen';
import { LoginScreen } from './pages/login-screen';

// The timeout in Firefox and WebKit, in real time against the `engines` server, whose idle lifetime is the
// shortest that allows the shortest warning. No page clock here (only Playwright's Chromium has one), so every
// wait is a real one, as short as the behaviour allows, and the tests run side by side.
const { idleMs: IDLE_MS } = ENGINES_LIFETIMES;
// Times are taken inside the pages, so they owe nothing to the drivers' round trips. A timer may fire
// late on a busy machine, never early; LATE_MS also covers the tabs' agreement.
const EARLY_MS = 250;
const LATE_MS = 2_000;
// A sign-in's answer, redirect and first render of the dashboard: seconds when both cores are busy.
const SIGN_IN_MS = 10_000;

test.describe.configure({ mode: 'parallel', timeout: 60_000 });

test('signing in through the form, the warning opens at the warning point on "Stay signed in", and Escape keeps the session', async ({ open }) => {
  const tab = await (await open()).newTab();
  const login = new LoginScreen(tab);
  const dashboard = new DashboardScreen(tab);
  await login.goto();
  await login.signIn(DEMO);
  await expect.poll(() => dashboard.path(), { timeout: SIGN_IN_MS }).toBe('/dashboard');

  // The page turns the durations it was rendered with into deadlines when it starts, so its first
  // warning may open late by the page's load time; never early.
  await dashboard.recordDialogOpenings();
  const signedIn = await dashboard.deadlines();
  await expect.poll(dashboard.warningOpen, { timeout: IDLE_MS }).toBe(true);
  const firstAt = await dashboard.dialogOpenedAt();
  expect(firstAt).toBeGreaterThanOrEqual(signedIn.warningAt.earliest - EARLY_MS);
  expect(firstAt).toBeLessThanOrEqual(signedIn.warningAt.latest + SIGN_IN_MS);
  await expect.poll(dashboard.stayFocused).toBe(true);

  // Escape means "Stay signed in", as in Chromium: the dialog closes and the server's deadline moves.
  await tab.press('Escape');
  await expect.poll(dashboard.warningOpen).toBe(false);
  const stayed = await dashboard.deadlines();
  expect(stayed.idleAt.earliest - signedIn.idleAt.latest).toBeGreaterThan(3_000);

  // The keep-alive's answer gave the page its new deadlines: the next warning opens at its point.
  await expect.poll(dashboard.warningOpen, { timeout: IDLE_MS }).toBe(true);
  const againAt = await dashboard.dialogOpenedAt();
  expect(againAt).toBeGreaterThanOrEqual(stayed.warningAt.earliest - EARLY_MS);
  expect(againAt).toBeLessThanOrEqual(stayed.warningAt.latest + LATE_MS);
  await expect.poll(dashboard.stayFocused).toBe(true);
});

test('"Stay signed in" in one of two tabs closes the warning in both, and moves the deadline', async ({ open }) => {
  const session = await open();
  const [first, second] = [new DashboardScreen(await session.newTab()), new DashboardScreen(await session.newTab())];
  await new LoginScreen(first.tab).signInByRequest(DEMO);
  await first.open();
  await second.open();
  const before = await first.deadlines();
  await expect.poll(first.warningOpen, { timeout: IDLE_MS }).toBe(true);
  await expect.poll(second.warningOpen, { timeout: LATE_MS }).toBe(true);

  await second.staySignedIn();
  await expect.poll(second.warningOpen).toBe(false);
  await expect.poll(first.warningOpen, { timeout: LATE_MS }).toBe(false);
  expect((await first.deadlines()).idleAt.earliest - before.idleAt.latest).toBeGreaterThan(3_000);
});

test('at the deadline both tabs are signed out with reason idle, and the notes are back after signing in again', async ({ open }) => {
  const session = await open();
  const [first, second] = [new DashboardScreen(await session.newTab()), new DashboardScreen(await session.newTab())];
  await new LoginScreen(first.tab).signInByRequest(DEMO);
  await first.open();
  // Before the warning point, seconds after signing in: the open warning makes the page behind it inert.
  await first.typeNotes('Quarterly figures: draft 3');
  await second.open();
  await expect.poll(() => second.notes()).toBe('Quarterly figures: draft 3');

  // Typing was activity: the server hears of it, and the warning opens only after the last of it.
  await expect.poll(first.warningOpen, { timeout: IDLE_MS }).toBe(true);
  const { idleAt } = await first.deadlines();
  for (const tab of [first, second]) {
    await expect.poll(() => tab.path(), { timeout: IDLE_MS }).toBe('/login?reason=idle&returnTo=%2Fdashboard');
    // The login page's document began when the tab left the dashboard for it.
    const leftAt = await tab.navigationStartedAt();
    expect(leftAt).toBeGreaterThanOrEqual(idleAt.earliest - EARLY_MS);
    expect(leftAt).toBeLessThanOrEqual(idleAt.latest + LATE_MS);
  }

  await new LoginScreen(first.tab).signIn(DEMO);
  await expect.poll(() => first.path(), { timeout: SIGN_IN_MS }).toBe('/dashboard');
  await expect.poll(() => first.notes()).toBe('Quarterly figures: draft 3');
});

test('"Sign out other sessions" in another browser: this one is on the login page, saying why, within 2 s and without input', async ({ open, playwright }) => {
  // As the administrator, whom no other test here signs in: the press ends every other session of the user. Each
  // engine runs this test at once, and another engine's press may come first and end this one's sessions: then
  // it starts again. The other browser is Chromium: the screen that must hear the end is this engine's.
  const chromium = await playwright.chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
  try {
    const other = await chromium.newPage({ baseURL: urlOf('engines') });
    const done = other.getByText('You are not signed in anywhere else.');
    const screen = new DashboardScreen(await (await open()).newTab());
    for (let tries = 0; tries < 5; tries += 1) {
      await new LoginScreen(screen.tab).signInByRequest(ADMIN);
      await screen.open();
      const streaming = await expect.poll(screen.streaming, { timeout: SIGN_IN_MS }).toBe(true).then(() => true, () => false);
      if (!streaming && (await screen.path()) !== '/dashboard') continue;
      expect(streaming, 'the screen streams').toBe(true);
      await signIn(other.request, ADMIN);
      await other.goto('/dashboard');
      // Whatever another press ends meanwhile is the login page, with no such button, or with no press done.
      await other.getByRole('button', { name: /^Sign out other sessions/ }).click({ timeout: LATE_MS }).catch(() => {});
      await done.waitFor({ timeout: LATE_MS }).catch(() => {});
      if (!(await done.isVisible())) continue;
      await expect.poll(() => screen.path(), { timeout: LATE_MS }).toMatch(/^\/login\?reason=signed-out-elsewhere(&|$)/);
      await expect.poll(() => screen.tab.evaluate(`document.querySelector('[data-testid="signed-out-reason"]')?.textContent ?? ''`)).toContain('signed out of every other device');
      return;
    }
    throw new Error('five tries, each cut short by another engine\'s press');
  } finally {
    await chromium.close();
  }
});
