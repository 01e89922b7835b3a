import type { Page } from '@playwright/test';
import { expect, sessionStatus, signIn, test, watchKeepAlives } from './fixtures';

test.beforeEach(async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request);
  await dashboard.open();
  await page.clock.fastForward('25:00');
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
    const attempts = watchKeepAlives(page);
    await dashboard.stay.click();
    await expect(dashboard.dialog.getByRole('status')).toContainText('could not reach the server');
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
    // Failing all along, the user is still signed in seconds before the deadline.
    await page.clock.fastForward('04:30');
    await expect(page).toHaveURL('/dashboard');
    await expect(dashboard.dialog).toBeVisible();
    // Back again, with seconds to spare: the same button keeps the session.
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
  expect((await sessionStatus(page.request)).body.idleExpiresInMs).toBeGreaterThan(29 * 60_000);
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
