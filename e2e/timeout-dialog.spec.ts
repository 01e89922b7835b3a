import { formatCountdown } from '../lib/shared/duration';
import { expect, holdClock, sessionStatus, signIn, test, watchKeepAlives } from './fixtures';

const IDLE_MS = 30 * 60_000;

// The page's clock is Playwright's; the server's is real. Deadlines travel as durations, so the
// page's jump ahead of the server changes nothing the page relies on.
test.beforeEach(async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request);
  await dashboard.open();
});

test('the warning is absent at 24:59 of inactivity and open at 25:00', async ({ page, dashboard }) => {
  await page.clock.fastForward('24:59');
  await expect(dashboard.dialog).toBeHidden();
  await page.clock.fastForward('00:01');
  await expect(dashboard.dialog).toBeVisible();
  await expect(dashboard.countdown).toHaveText(/^(5:00|4:59)$/);
  await expect(dashboard.stay).toBeFocused();
});

const FIXED_DESCRIPTION = 'You have not used this page for a while. Anything you typed is kept, even if you are signed out.';

test('the dialog says the time left in its description as it opens, rounded down', async ({ page, dashboard }) => {
  await page.clock.fastForward('25:00');
  // 5:00 as it opens, or 4:59 if the machine was slow to look: either way the minutes it says are all there.
  await expect(dashboard.dialog).toHaveAccessibleDescription(new RegExp(`^We will sign you out in [45] minutes\\. ${FIXED_DESCRIPTION}$`));
  await holdClock(page);
  const left = await dashboard.secondsShown();
  expect(left).toBeGreaterThanOrEqual(240);
  expect(left).toBeLessThan(300);
  // 4:xx left says 4 minutes: never the fifth minute, which is no longer all there.
  await expect(dashboard.dialog).toHaveAccessibleDescription(`We will sign you out in 4 minutes. ${FIXED_DESCRIPTION}`);
});

test('the countdown runs every second and the live region speaks calmly', async ({ page, dashboard }) => {
  await page.clock.fastForward('25:00');
  await expect(dashboard.dialog).toBeVisible();
  await holdClock(page);
  const left = await dashboard.secondsShown();
  const live = dashboard.dialog.locator('[aria-live="polite"]');
  const urgent = dashboard.dialog.locator('[aria-live="assertive"]');
  // The description has just said the time: the live region waits before saying it again.
  await expect(live).toHaveText('');
  await page.clock.runFor(10_000);
  await expect(dashboard.countdown).toHaveText(formatCountdown((left - 10) * 1_000));
  await expect(live).toHaveText('');
  // More than 20 seconds since the dialog opened.
  await page.clock.runFor(10_000);
  await expect(live).toHaveText('We will sign you out in 4 minutes.');
  // Nothing new until the phrase changes: still 4 minutes at 4:00 exactly, 3 minutes a second later.
  await page.clock.runFor((left - 20 - 240) * 1_000);
  await expect(dashboard.countdown).toHaveText('4:00');
  await expect(live).toHaveText('We will sign you out in 4 minutes.');
  await page.clock.runFor(1_000);
  await expect(live).toHaveText('We will sign you out in 3 minutes.');
  await expect(urgent).toHaveText('');
});

test('only the last 20 seconds interrupt the screen reader', async ({ page, dashboard }) => {
  await page.clock.fastForward('25:00');
  await expect(dashboard.dialog).toBeVisible();
  await holdClock(page);
  const live = dashboard.dialog.locator('[aria-live="polite"]');
  const urgent = dashboard.dialog.locator('[aria-live="assertive"]');
  await page.clock.runFor(((await dashboard.secondsShown()) - 40) * 1_000);
  await expect(live).toHaveText('We will sign you out in 40 seconds.');
  await page.clock.runFor(1_000);
  await expect(live).toHaveText('We will sign you out in 20 seconds.');
  await page.clock.runFor(19_000);
  await expect(dashboard.countdown).toHaveText('0:20');
  await expect(live).toHaveText('We will sign you out in 20 seconds.');
  await expect(urgent).toHaveText('');
  await page.clock.runFor(1_000);
  await expect(urgent).toHaveText('We will sign you out in less than 20 seconds.');
  await expect(live).toHaveText('');
});

test('"Stay signed in" sends a keep-alive that moves the server\'s idle deadline', async ({ page, dashboard }) => {
  const before = await sessionStatus(page.request);
  await page.clock.fastForward('25:00');
  const keepAlive = page.waitForResponse('**/api/session/keep-alive');
  await dashboard.stay.click();
  expect((await keepAlive).status()).toBe(200);
  await expect(dashboard.dialog).toBeHidden();
  const after = await sessionStatus(page.request);
  // Without the keep-alive a later status can only report less time left.
  expect(after.body.idleExpiresInMs).toBeGreaterThan(before.body.idleExpiresInMs ?? Infinity);
  expect(after.body.idleExpiresInMs).toBeGreaterThan(IDLE_MS - 2_000);
  // Timers restart from the new deadline: no warning until 25 minutes later.
  await page.clock.fastForward('24:50');
  await expect(dashboard.dialog).toBeHidden();
});

test('Escape means "Stay signed in"', async ({ page, dashboard }) => {
  const before = await sessionStatus(page.request);
  await page.clock.fastForward('25:00');
  await expect(dashboard.dialog).toBeVisible();
  const keepAlive = page.waitForResponse('**/api/session/keep-alive');
  await page.keyboard.press('Escape');
  expect((await keepAlive).status()).toBe(200);
  await expect(dashboard.dialog).toBeHidden();
  const after = await sessionStatus(page.request);
  expect(after.body.idleExpiresInMs).toBeGreaterThan(before.body.idleExpiresInMs ?? Infinity);
});

test('moving the mouse does not close the warning', async ({ page, dashboard }) => {
  await page.clock.fastForward('25:00');
  await expect(dashboard.dialog).toBeVisible();
  await page.mouse.move(10, 10);
  await page.mouse.move(300, 200);
  await page.clock.runFor(2_000);
  await expect(dashboard.dialog).toBeVisible();
});

// The page itself ends the session here (DELETE /api/session, so the record says signed-out) before it
// leaves. That the server ends an idle session by itself, with no page to do it, is proven by
// server-expiry.spec.ts and without-javascript.spec.ts.
test('at 30:00 the page leaves for the login page, which says the session ended after inactivity', async ({ page, dashboard }) => {
  await page.clock.fastForward('25:00');
  await expect(dashboard.dialog).toBeVisible();
  await page.clock.fastForward('05:00');
  await expect(page).toHaveURL('/login?reason=idle&returnTo=%2Fdashboard');
  await expect(page.getByTestId('signed-out-reason')).toContainText('inactivity');
  const status = await sessionStatus(page.request);
  expect(status.code).toBe(401);
  expect(status.body.authenticated).toBe(false);
});

test('"Log out now" signs out at once', async ({ page, dashboard }) => {
  await page.clock.fastForward('25:00');
  await dashboard.logOutNow.click();
  await expect(page).toHaveURL('/login?reason=signed-out');
  await expect(page.getByTestId('signed-out-reason')).toContainText('You have signed out');
  expect((await sessionStatus(page.request)).code).toBe(401);
});

test('the warning works from the keyboard alone, with focus kept inside', async ({ page, dashboard }) => {
  await page.clock.fastForward('25:00');
  await expect(dashboard.stay).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dashboard.logOutNow).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(dashboard.stay).toBeFocused();
  // The page behind is inert: its controls cannot take focus while the warning is open.
  await dashboard.notes.focus();
  await expect(dashboard.notes).not.toBeFocused();
  const keepAlive = page.waitForResponse('**/api/session/keep-alive');
  await page.keyboard.press('Enter');
  expect((await keepAlive).status()).toBe(200);
  await expect(dashboard.dialog).toBeHidden();
});

test('a user active every 2 minutes for 90 minutes never sees the warning, with few requests', async ({ page, dashboard }) => {
  const keepAlives = watchKeepAlives(page);
  for (let minute = 2; minute <= 90; minute += 2) {
    await page.clock.fastForward('02:00');
    await keepAlives.settled();
    await page.mouse.move(100 + (minute % 7) * 20, 100 + (minute % 5) * 20);
    expect(await dashboard.dialog.isVisible(), `warning visible at minute ${minute}`).toBe(false);
  }
  await expect(page).toHaveURL('/dashboard');
  expect((await sessionStatus(page.request)).code).toBe(200);
  // A 30-minute window slid by reports made 25 minutes apart: 3 or 4 in 90 minutes, not one per event.
  expect(keepAlives.bodies.length).toBeGreaterThanOrEqual(3);
  expect(keepAlives.bodies.length).toBeLessThanOrEqual(4);
});

test('typing counts as activity, reported as how long ago it happened', async ({ page, dashboard }) => {
  await page.clock.fastForward('20:00');
  await dashboard.notes.pressSequentially('still here');
  const keepAlive = page.waitForRequest('**/api/session/keep-alive');
  await page.clock.fastForward('05:00');
  const { idleMs } = (await keepAlive).postDataJSON() as { idleMs: number };
  expect(idleMs).toBeGreaterThanOrEqual(5 * 60_000 - 1_000);
  expect(idleMs).toBeLessThanOrEqual(5 * 60_000 + 1_000);
  await page.clock.runFor(2_000);
  await expect(dashboard.dialog).toBeHidden();
});

test('text inserted without a key press (dictation) counts as activity', async ({ page, dashboard }) => {
  await page.clock.fastForward('20:00');
  // Dictation and some on-screen keyboards insert text with an input event alone: no keydown, no pointer.
  await dashboard.notes.evaluate((notes: HTMLTextAreaElement) => {
    notes.value += 'dictated words';
    notes.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: 'dictated words' }));
  });
  const keepAlive = page.waitForRequest('**/api/session/keep-alive');
  await page.clock.fastForward('05:00');
  const { idleMs } = (await keepAlive).postDataJSON() as { idleMs: number };
  expect(idleMs).toBeGreaterThanOrEqual(5 * 60_000 - 1_000);
  expect(idleMs).toBeLessThanOrEqual(5 * 60_000 + 1_000);
  await page.clock.runFor(2_000);
  await expect(dashboard.dialog).toBeHidden();
});

test('a click made without pointer events (switch access) counts as activity', async ({ page, dashboard }) => {
  await page.clock.fastForward('20:00');
  // element.click() fires click alone, as switch access and some voice control software do.
  await dashboard.heading.evaluate((heading: HTMLElement) => heading.click());
  const keepAlive = page.waitForRequest('**/api/session/keep-alive');
  await page.clock.fastForward('05:00');
  const { idleMs } = (await keepAlive).postDataJSON() as { idleMs: number };
  expect(idleMs).toBeGreaterThanOrEqual(5 * 60_000 - 1_000);
  expect(idleMs).toBeLessThanOrEqual(5 * 60_000 + 1_000);
  await page.clock.runFor(2_000);
  await expect(dashboard.dialog).toBeHidden();
});
