import type { Page } from '@playwright/test';
import { MAIN_LIFETIMES } from '../test-support/servers';
import { expect, holdClock, sessionStatus, signIn, test, watchKeepAlives } from './fixtures';
import { unreachableSaid, WORDS } from './pages/dashboard-page';

const { idleMs, warningBeforeMs, warningAtMs } = MAIN_LIFETIMES;

test.beforeEach(async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request);
  await dashboard.open();
  await page.clock.fastForward(warningAtMs);
  await expect(dashboard.dialog).toBeVisible();
});

const KEEP_ALIVE = '**/api/session/keep-alive';

const FAILURES: Record<string, { fail: (page: Page) => Promise<unknown>; heal: (page: Page) => Promise<unknown> }> = {
  'the browser is offline': {
    fail: (page) => page.context().setOffline(true),
    heal: (page) => page.context().setOffline(false),
  },
  'the server answers 503': {
    fail: (page) => page.route(KEEP_ALIVE, (route) => route.fulfill({ status: 503, json: { error: 'Service unavailable' } })),
    heal: (page) => page.unroute(KEEP_ALIVE),
  },
  'the request times out': {
    fail: (page) => page.route(KEEP_ALIVE, (route) => route.abort('timedout')),
    heal: (page) => page.unroute(KEEP_ALIVE),
  },
};

for (const [failure, { fail, heal }] of Object.entries(FAILURES)) {
  test(`when ${failure}, the warning says so, retries with backoff, and nobody is signed out before the real deadline`, async ({ page, dashboard }) => {
    await fail(page);
    // Page time moves only when the test moves it: on a busy machine real time would run the retries early.
    await holdClock(page);
    const attempts = watchKeepAlives(page);
    await dashboard.stay.click();
    await expect(dashboard.dialog.getByRole('status')).toHaveText(unreachableSaid);
    await expect(dashboard.dialog).toBeVisible();
    // Retried 2, 4 and 8 seconds apart, not one a second. Each failure must come back before the clock moves on.
    for (const backoff of [2_000, 4_000, 8_000]) {
      await attempts.settled();
      const before = attempts.bodies.length;
      await page.clock.runFor(backoff - 200);
      expect(attempts.bodies).toHaveLength(before);
      await page.clock.runFor(200);
      await expect.poll(() => attempts.bodies.length).toBe(before + 1);
    }
    await attempts.settled();
    // Failing all along, the user is still signed in seconds before the deadline: half a minute, less the retries' 14 s.
    await page.clock.fastForward(warningBeforeMs - 30_000);
    await expect(page).toHaveURL('/dashboard');
    await expect(dashboard.dialog).toBeVisible();
    // Back again, with seconds to spare: the same button keeps the session. The clock stands still, so
    // no automatic retry can succeed (and close the warning) before the button is pressed.
    await attempts.settled();
    await heal(page);
    await dashboard.stay.click();
    await expect(dashboard.dialog).toBeHidden();
    expect((await sessionStatus(page.request)).code).toBe(200);
  });
}

test('once the network is back a retry succeeds and closes the warning', async ({ page, dashboard }) => {
  await page.route(KEEP_ALIVE, (route) => route.fulfill({ status: 502, body: '<html>Bad gateway</html>' }));
  await dashboard.stay.click();
  await expect(dashboard.dialog.getByRole('status')).toBeVisible();
  await page.unroute(KEEP_ALIVE);
  const retried = page.waitForResponse(KEEP_ALIVE);
  await page.clock.runFor(2_000);
  expect((await retried).status()).toBe(200);
  await expect(dashboard.dialog).toBeHidden();
  expect((await sessionStatus(page.request)).body.idleExpiresInMs).toBeGreaterThan(idleMs - 60_000);
});

test('when the server says the session has ended, the user is signed out at once with its reason', async ({ page, dashboard }) => {
  // A cookie the server cannot read: its answer is 401 with reason "invalid".
  await page.context().addCookies([{ name: '__Host-session', value: 'not-a-seal', domain: 'localhost', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' }]);
  await dashboard.stay.click();
  await expect(page).toHaveURL('/login?reason=invalid&returnTo=%2Fdashboard');
  await expect(page.getByTestId('signed-out-reason')).toContainText('could not be read');
});

test('signing out while a keep-alive is on its way leaves the user signed out, even when its answer lands later', async ({ page, dashboard }) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(KEEP_ALIVE, async (route) => {
    await held;
    await route.continue();
  });
  const keepAlive = page.waitForResponse(KEEP_ALIVE);
  await dashboard.stay.click();
  await dashboard.logOutNow.click();
  release();
  // The server extended the session and reset the cookie; the sign-out came after it.
  expect((await keepAlive).status()).toBe(200);
  await expect(page).toHaveURL('/login?reason=signed-out');
  expect((await sessionStatus(page.request)).code).toBe(401);
});

/** Holds every keep-alive until `release()`, as a slow network would; then lets it through to the server. */
async function holdKeepAlives(page: Page) {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(KEEP_ALIVE, async (route) => {
    await held;
    await route.continue();
  });
  return () => release();
}

// Chromium closes a modal dialog on an Escape without a cancelable `cancel` event when the page has had
// no user activation since the last one (a timer opened this dialog; Escape itself is no activation).
test('with the keep-alive aborted, Escape three times leaves the warning open with its error, and sign-out waits for the deadline', async ({ page, dashboard }) => {
  await page.route(KEEP_ALIVE, (route) => route.abort('aborted'));
  const attempts = watchKeepAlives(page);
  for (let press = 0; press < 3; press += 1) {
    await page.keyboard.press('Escape');
    await expect.poll(() => attempts.bodies.length).toBe(press + 1);
    await attempts.settled();
  }
  await expect(dashboard.dialog).toBeVisible();
  await expect(dashboard.dialog.getByRole('status')).toHaveText(unreachableSaid);
  await expect(dashboard.stay).toBeFocused();
  // One second before the deadline the user is still signed in and still warned; at the deadline, signed out.
  await holdClock(page);
  await page.clock.runFor(((await dashboard.secondsShown()) - 1) * 1_000);
  await attempts.settled();
  await expect(dashboard.countdown).toHaveText('0:01');
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.dialog).toBeVisible();
  await page.clock.runFor(1_000);
  await expect(page).toHaveURL('/login?reason=idle&returnTo=%2Fdashboard');
});

test('with a slow keep-alive, Escape three times leaves the warning open until the answer closes it', async ({ page, dashboard }) => {
  const release = await holdKeepAlives(page);
  const keepAlives = watchKeepAlives(page);
  for (let press = 0; press < 3; press += 1) await page.keyboard.press('Escape');
  await expect(dashboard.dialog).toBeVisible();
  // The button says what is happening, and presses meanwhile send nothing more.
  await expect(dashboard.primary).toHaveText(WORDS.idle.staying);
  await expect(dashboard.primary).toHaveAttribute('aria-disabled', 'true');
  await expect(dashboard.primary).toBeFocused();
  expect(keepAlives.bodies).toHaveLength(1);
  release();
  await expect(dashboard.dialog).toBeHidden();
  expect((await sessionStatus(page.request)).body.idleExpiresInMs).toBeGreaterThan(idleMs - 60_000);
});

test('Escape while a keep-alive is slow never closes the dialog, not even for a moment', async ({ page, dashboard }) => {
  const release = await holdKeepAlives(page);
  await dashboard.dialog.evaluate((dialog) => {
    const record = window as Window & { openDropped?: number };
    record.openDropped = 0;
    // A removal of `open` is a record whose old value is not null, however fast it comes back.
    new MutationObserver((records) => {
      record.openDropped = (record.openDropped ?? 0) + records.filter((change) => change.oldValue !== null).length;
    }).observe(dialog, { attributes: true, attributeFilter: ['open'], attributeOldValue: true });
  });
  // A click is a user activation, after which Chromium's Escape fires a cancelable `cancel`: the one
  // the dialog must cancel, or the browser closes it.
  await dashboard.dialog.getByRole('heading').click();
  await page.keyboard.press('Escape');
  await expect(dashboard.primary).toHaveText(WORDS.idle.staying);
  await page.clock.runFor(1_000);
  await expect(dashboard.dialog).toBeVisible();
  expect(await page.evaluate(() => (window as Window & { openDropped?: number }).openDropped)).toBe(0);
  release();
  await expect(dashboard.dialog).toBeHidden();
});

test('the failure is announced: its status region is there, empty, from the start, and the button says when it tries again', async ({ page, dashboard }) => {
  const status = dashboard.dialog.getByRole('status');
  await expect(status).toHaveText('');
  // Marked now, so the message below is known to arrive in this same element, not in a new one.
  await status.evaluate((region) => region.setAttribute('data-rendered-before-the-failure', ''));
  await page.route(KEEP_ALIVE, (route) => route.fulfill({ status: 503, json: { error: 'Service unavailable' } }));
  await dashboard.stay.click();
  await expect(status).toHaveText(unreachableSaid);
  await expect(status).toHaveAttribute('data-rendered-before-the-failure', '');
  await expect(dashboard.primary).toHaveAccessibleName(WORDS.idle.stay);

  // The automatic retry, 2 seconds on, held on its way.
  await page.unroute(KEEP_ALIVE);
  const release = await holdKeepAlives(page);
  await page.clock.runFor(2_000);
  await expect(dashboard.primary).toHaveAccessibleName(WORDS.idle.retrying);
  await expect(dashboard.primary).toHaveAttribute('aria-disabled', 'true');
  release();
  await expect(dashboard.dialog).toBeHidden();
});
