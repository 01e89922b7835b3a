import { formatCountdown } from '../lib/shared/duration';
import { MAIN_LIFETIMES } from '../test-support/servers';
import { anyOf, expect, holdClock, sessionStatus, signIn, test, watchKeepAlives } from './fixtures';
import { escapeRegExp, minutesLeftSaid, timeLeftSaid, WORDS } from './pages/dashboard-page';

const { idleMs, warningBeforeMs, warningAtMs } = MAIN_LIFETIMES;
/** How long before the warning point the activity tests' user was last active: any time well inside it. */
const ACTIVE_BEFORE_WARNING_MS = 5 * 60_000;

// The page's clock is Playwright's; the server's is real. Deadlines travel as durations, so the
// page's jump ahead of the server changes nothing the page relies on.
test.beforeEach(async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request);
  await dashboard.open();
});

test('the warning is absent a second before the warning point and open at it', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs - 1_000);
  await expect(dashboard.dialog).toBeHidden();
  await page.clock.fastForward(1_000);
  await expect(dashboard.dialog).toBeVisible();
  await expect(dashboard.countdown).toHaveText(new RegExp(`^${anyOf(formatCountdown(warningBeforeMs), formatCountdown(warningBeforeMs - 1_000))}$`));
  await expect(dashboard.stay).toBeFocused();
});

test('the dialog says the time left in its description as it opens, rounded down', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs);
  // The whole warning as it opens, or a second less if the machine was slow to look: either way the minutes it says are all there.
  const atOpening = anyOf(minutesLeftSaid(warningBeforeMs), minutesLeftSaid(warningBeforeMs - 1_000));
  await expect(dashboard.dialog).toHaveAccessibleDescription(new RegExp(`^${atOpening} ${escapeRegExp(WORDS.idle.description)}$`));
  await holdClock(page);
  const left = await dashboard.secondsShown();
  expect(left).toBeGreaterThanOrEqual(warningBeforeMs / 1_000 - 60);
  expect(left).toBeLessThan(warningBeforeMs / 1_000);
  // Less than the whole warning left says a minute less: never the last minute, which is no longer all there.
  await expect(dashboard.dialog).toHaveAccessibleDescription(`${minutesLeftSaid(warningBeforeMs - 60_000)} ${WORDS.idle.description}`);
});

test('the countdown runs every second and the live region speaks calmly', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs);
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
  const minutes = Math.floor((left - 20) / 60);
  await expect(live).toHaveText(timeLeftSaid({ minutes }));
  // Nothing new until the phrase changes: still as many minutes at the whole minute, a minute fewer a second later
  // (or, from the last whole minute, 40 seconds).
  await page.clock.runFor((left - 20 - minutes * 60) * 1_000);
  await expect(dashboard.countdown).toHaveText(formatCountdown(minutes * 60_000));
  await expect(live).toHaveText(timeLeftSaid({ minutes }));
  await page.clock.runFor(1_000);
  await expect(live).toHaveText(timeLeftSaid(minutes > 1 ? { minutes: minutes - 1 } : { seconds: 40 }));
  await expect(urgent).toHaveText('');
});

test('only the last 20 seconds interrupt the screen reader', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs);
  await expect(dashboard.dialog).toBeVisible();
  await holdClock(page);
  const live = dashboard.dialog.locator('[aria-live="polite"]');
  const urgent = dashboard.dialog.locator('[aria-live="assertive"]');
  await page.clock.runFor(((await dashboard.secondsShown()) - 40) * 1_000);
  await expect(live).toHaveText(timeLeftSaid({ seconds: 40 }));
  await page.clock.runFor(1_000);
  await expect(live).toHaveText(timeLeftSaid({ seconds: 20 }));
  await page.clock.runFor(19_000);
  await expect(dashboard.countdown).toHaveText('0:20');
  await expect(live).toHaveText(timeLeftSaid({ seconds: 20 }));
  await expect(urgent).toHaveText('');
  await page.clock.runFor(1_000);
  await expect(urgent).toHaveText(timeLeftSaid('under'));
  await expect(live).toHaveText('');
});

test('"Stay signed in" sends a keep-alive that moves the server\'s idle deadline', async ({ page, dashboard }) => {
  const before = await sessionStatus(page.request);
  await page.clock.fastForward(warningAtMs);
  const keepAlive = page.waitForResponse('**/api/session/keep-alive');
  await dashboard.stay.click();
  expect((await keepAlive).status()).toBe(200);
  await expect(dashboard.dialog).toBeHidden();
  const after = await sessionStatus(page.request);
  // Without the keep-alive a later status can only report less time left.
  expect(after.body.idleExpiresInMs).toBeGreaterThan(before.body.idleExpiresInMs ?? Infinity);
  expect(after.body.idleExpiresInMs).toBeGreaterThan(idleMs - 2_000);
  // Timers restart from the new deadline: no warning until the warning point comes round again.
  await page.clock.fastForward(warningAtMs - 10_000);
  await expect(dashboard.dialog).toBeHidden();
});

test('Escape means "Stay signed in"', async ({ page, dashboard }) => {
  const before = await sessionStatus(page.request);
  await page.clock.fastForward(warningAtMs);
  await expect(dashboard.dialog).toBeVisible();
  const keepAlive = page.waitForResponse('**/api/session/keep-alive');
  await page.keyboard.press('Escape');
  expect((await keepAlive).status()).toBe(200);
  await expect(dashboard.dialog).toBeHidden();
  const after = await sessionStatus(page.request);
  expect(after.body.idleExpiresInMs).toBeGreaterThan(before.body.idleExpiresInMs ?? Infinity);
});

test('moving the mouse does not close the warning', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs);
  await expect(dashboard.dialog).toBeVisible();
  await page.mouse.move(10, 10);
  await page.mouse.move(300, 200);
  await page.clock.runFor(2_000);
  await expect(dashboard.dialog).toBeVisible();
});

// The page itself ends the session here (DELETE /api/session, so the record says signed-out) before it
// leaves. That the server ends an idle session by itself, with no page to do it, is proven by
// server-expiry.spec.ts and without-javascript.spec.ts.
test('at the idle deadline the page leaves for the login page, which says the session ended after inactivity', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs);
  await expect(dashboard.dialog).toBeVisible();
  await page.clock.fastForward(warningBeforeMs);
  await expect(page).toHaveURL('/login?reason=idle&returnTo=%2Fdashboard');
  await expect(page.getByTestId('signed-out-reason')).toContainText('inactivity');
  const status = await sessionStatus(page.request);
  expect(status.code).toBe(401);
  expect(status.body.authenticated).toBe(false);
});

test('"Log out now" signs out at once', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs);
  await dashboard.logOutNow.click();
  await expect(page).toHaveURL('/login?reason=signed-out');
  await expect(page.getByTestId('signed-out-reason')).toContainText('You have signed out');
  expect((await sessionStatus(page.request)).code).toBe(401);
});

test('the warning works from the keyboard alone, with focus kept inside', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs);
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

test('a user active every 2 minutes for three idle lifetimes never sees the warning, with few requests', async ({ page, dashboard }) => {
  const keepAlives = watchKeepAlives(page);
  // Any step shorter than the time to the warning point: the user is never idle long enough to be warned.
  const step = 2 * 60_000;
  const span = 3 * idleMs;
  for (let at = step, move = 1; at <= span; at += step, move += 1) {
    await page.clock.fastForward(step);
    await keepAlives.settled();
    await page.mouse.move(100 + (move % 7) * 20, 100 + (move % 5) * 20);
    expect(await dashboard.dialog.isVisible(), `warning visible at minute ${at / 60_000}`).toBe(false);
  }
  await expect(page).toHaveURL('/dashboard');
  expect((await sessionStatus(page.request)).code).toBe(200);
  // The page reports the activity since at each warning point, and each report gives a whole idle lifetime again
  // (the server's clock is real: it saw the sign-in moments ago). So the reports come the time to the warning point
  // apart, give or take a step: a few in all, not one per event.
  expect(keepAlives.bodies.length).toBeGreaterThanOrEqual(Math.floor(span / (warningAtMs + step)));
  expect(keepAlives.bodies.length).toBeLessThanOrEqual(Math.ceil(span / (warningAtMs - step)));
});

test('typing counts as activity, reported as how long ago it happened', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs - ACTIVE_BEFORE_WARNING_MS);
  await dashboard.notes.pressSequentially('still here');
  const keepAlive = page.waitForRequest('**/api/session/keep-alive');
  await page.clock.fastForward(ACTIVE_BEFORE_WARNING_MS);
  const reported = ((await keepAlive).postDataJSON() as { idleMs: number }).idleMs;
  expect(reported).toBeGreaterThanOrEqual(ACTIVE_BEFORE_WARNING_MS - 1_000);
  expect(reported).toBeLessThanOrEqual(ACTIVE_BEFORE_WARNING_MS + 1_000);
  await page.clock.runFor(2_000);
  await expect(dashboard.dialog).toBeHidden();
});

test('text inserted without a key press (dictation) counts as activity', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs - ACTIVE_BEFORE_WARNING_MS);
  // Dictation and some on-screen keyboards insert text with an input event alone: no keydown, no pointer.
  await dashboard.notes.evaluate((notes: HTMLTextAreaElement) => {
    notes.value += 'dictated words';
    notes.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: 'dictated words' }));
  });
  const keepAlive = page.waitForRequest('**/api/session/keep-alive');
  await page.clock.fastForward(ACTIVE_BEFORE_WARNING_MS);
  const reported = ((await keepAlive).postDataJSON() as { idleMs: number }).idleMs;
  expect(reported).toBeGreaterThanOrEqual(ACTIVE_BEFORE_WARNING_MS - 1_000);
  expect(reported).toBeLessThanOrEqual(ACTIVE_BEFORE_WARNING_MS + 1_000);
  await page.clock.runFor(2_000);
  await expect(dashboard.dialog).toBeHidden();
});

test('a click made without pointer events (switch access) counts as activity', async ({ page, dashboard }) => {
  await page.clock.fastForward(warningAtMs - ACTIVE_BEFORE_WARNING_MS);
  // element.click() fires click alone, as switch access and some voice control software do.
  await dashboard.heading.evaluate((heading: HTMLElement) => heading.click());
  const keepAlive = page.waitForRequest('**/api/session/keep-alive');
  await page.clock.fastForward(ACTIVE_BEFORE_WARNING_MS);
  const reported = ((await keepAlive).postDataJSON() as { idleMs: number }).idleMs;
  expect(reported).toBeGreaterThanOrEqual(ACTIVE_BEFORE_WARNING_MS - 1_000);
  expect(reported).toBeLessThanOrEqual(ACTIVE_BEFORE_WARNING_MS + 1_000);
  await page.clock.runFor(2_000);
  await expect(dashboard.dialog).toBeHidden();
});
