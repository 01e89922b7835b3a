import { SERVERS } from '../servers';
import { expect, test } from './fixtures';
import { DashboardScreen } from './pages/dashboard-screen';
import { LoginScreen } from './pages/login-screen';
import { observeChange } from './timing';

// The timeout in Firefox and WebKit, in real time against the `engines` server: 25 s idle, the warning
// 20 s before. No page clock here (only Playwright's Chromium has one), so every wait is a real one,
// as short as the behaviour allows, and the tests run side by side.
const DEMO = { username: 'demo', password: 'demo-password' };
const IDLE_MS = 25_000;
const WARNING_MS = 20_000;
// A timer may fire late on a busy machine, never early. LATE_MS also covers the tabs' agreement and
// one probe's round trip through the driver, which is counted against the page.
const EARLY_MS = 500;
const LATE_MS = 3_000;
// A sign-in's answer, redirect and first render of the dashboard: seconds when both cores are busy.
const SIGN_IN_MS = 10_000;

test.describe.configure({ mode: 'parallel', timeout: 60_000 });

test.beforeAll(() => {
  const { env } = SERVERS.engines;
  expect([env.SESSION_IDLE_TIMEOUT, env.SESSION_WARNING_BEFORE]).toEqual([`${IDLE_MS / 1000}s`, `${WARNING_MS / 1000}s`]);
});

test('signing in through the form, the warning opens at the warning point on "Stay signed in", and Escape keeps the session', async ({ open }) => {
  const tab = await (await open()).newTab();
  const login = new LoginScreen(tab);
  const dashboard = new DashboardScreen(tab);
  await login.goto();
  await login.signIn(DEMO);
  await expect.poll(() => dashboard.path(), { timeout: SIGN_IN_MS }).toBe('/dashboard');

  // The page turns the durations it was rendered with into deadlines when it starts, so its first
  // warning may open late by the page's load time; never early.
  const signedIn = await dashboard.deadlines();
  const first = await observeChange(dashboard.warningOpen, IDLE_MS);
  expect(first.lastFalse).toBeGreaterThanOrEqual(signedIn.warningAt - EARLY_MS);
  expect(first.firstTrue).toBeLessThanOrEqual(signedIn.warningAt + SIGN_IN_MS);
  await expect.poll(dashboard.stayFocused, { timeout: LATE_MS }).toBe(true);

  // Escape means "Stay signed in", as in Chromium: the dialog closes and the server's deadline moves.
  await tab.press('Escape');
  await expect.poll(dashboard.warningOpen).toBe(false);
  const stayed = await dashboard.deadlines();
  expect(stayed.idleAt - signedIn.idleAt).toBeGreaterThan(3_000);

  // The keep-alive's answer gave the page its new deadlines: the next warning opens at its point.
  const again = await observeChange(dashboard.warningOpen, IDLE_MS);
  expect(again.lastFalse).toBeGreaterThanOrEqual(stayed.warningAt - EARLY_MS);
  expect(again.firstTrue).toBeLessThanOrEqual(stayed.warningAt + LATE_MS);
  await expect.poll(dashboard.stayFocused, { timeout: LATE_MS }).toBe(true);
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
  expect((await first.deadlines()).idleAt - before.idleAt).toBeGreaterThan(3_000);
});

test('at the deadline both tabs are signed out with reason idle, and the notes are back after signing in again', async ({ open }) => {
  const session = await open();
  const [first, second] = [new DashboardScreen(await session.newTab()), new DashboardScreen(await session.newTab())];
  await new LoginScreen(first.tab).signInByRequest(DEMO);
  await first.open();
  // Before the warning point, 5 s after signing in: the open warning makes the page behind it inert.
  await first.typeNotes('Quarterly figures: draft 3');
  await second.open();
  await expect.poll(() => second.notes()).toBe('Quarterly figures: draft 3');

  // Typing was activity: the server hears of it, and the warning opens only after the last of it.
  await expect.poll(first.warningOpen, { timeout: IDLE_MS }).toBe(true);
  const { idleAt } = await first.deadlines();
  const signedOut = await Promise.all([first, second].map((tab) => observeChange(async () => (await tab.path()).startsWith('/login'), IDLE_MS)));
  for (const [index, tab] of [first, second].entries()) {
    expect(signedOut[index]?.lastFalse).toBeGreaterThanOrEqual(idleAt - EARLY_MS);
    expect(signedOut[index]?.firstTrue).toBeLessThanOrEqual(idleAt + LATE_MS);
    expect(await tab.path()).toBe('/login?reason=idle&returnTo=%2Fdashboard');
  }

  await new LoginScreen(first.tab).signIn(DEMO);
  await expect.poll(() => first.path(), { timeout: SIGN_IN_MS }).toBe('/dashboard');
  await expect.poll(() => first.notes()).toBe('Quarterly figures: draft 3');
});
