import type { Page } from '@playwright/test';
import { expect, holdClock, pageNow, setVisibility, signIn, test, watchKeepAlives } from './fixtures';

// `clock.setSystemTime` moves the wall clock without running a single timer: a laptop that slept, or a
// background tab whose timers were frozen. Only the page's own re-check when it wakes can notice.

test.beforeEach(async ({ page, dashboard }) => {
  // Counted in sessionStorage, so the count survives the navigation to the login page.
  await page.addInitScript(() => {
    const showModal = HTMLDialogElement.prototype.showModal;
    HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
      sessionStorage.setItem('dialogs-shown', String(Number(sessionStorage.getItem('dialogs-shown') ?? 0) + 1));
      showModal.call(this);
    };
  });
  await page.clock.install();
  await signIn(page.request);
  await dashboard.open();
});

async function sleepFor(page: Page, minutes: number) {
  await page.clock.setSystemTime((await pageNow(page)) + minutes * 60_000);
}

const dialogsShown = (page: Page) => page.evaluate(() => Number(sessionStorage.getItem('dialogs-shown') ?? 0));

const WAKE_UPS: Record<string, (page: Page) => Promise<unknown>> = {
  'the tab becomes visible': (page) => setVisibility(page, 'visible'),
  'the window gets focus': (page) => page.evaluate(() => window.dispatchEvent(new FocusEvent('focus'))),
  'the page returns from the back/forward cache': (page) =>
    page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))),
  'the network comes back': (page) => page.evaluate(() => window.dispatchEvent(new Event('online'))),
};

for (const [wakeUp, wake] of Object.entries(WAKE_UPS)) {
  test(`coming back after the deadline leaves for the login page at once, without flashing the warning, when ${wakeUp}`, async ({ page }) => {
    await setVisibility(page, 'hidden');
    await sleepFor(page, 45);
    await wake(page);
    await expect(page).toHaveURL('/login?reason=idle&returnTo=%2Fdashboard', { timeout: 2_000 });
    expect(await dialogsShown(page)).toBe(0);
  });
}

test('coming back inside the warning window shows the warning with the true time left', async ({ page, dashboard }) => {
  await setVisibility(page, 'hidden');
  await sleepFor(page, 27);
  await setVisibility(page, 'visible');
  await expect(dashboard.dialog).toBeVisible();
  await expect(dashboard.countdown).toHaveText(/^(3:00|2:59)$/);
});

test('returning to a tab is not activity', async ({ page, dashboard }) => {
  const keepAlives = watchKeepAlives(page);
  await page.clock.fastForward('10:00');
  await setVisibility(page, 'hidden');
  await page.clock.fastForward('10:00');
  await setVisibility(page, 'visible');
  await page.evaluate(() => window.dispatchEvent(new FocusEvent('focus')));
  await page.clock.fastForward('05:00');
  await expect(dashboard.dialog).toBeVisible();
  expect(keepAlives.bodies).toEqual([]);
});

test('a hidden tab shows the countdown in its title while the warning is open, and gets its title back', async ({ page, dashboard }) => {
  const title = await page.title();
  await page.clock.fastForward('25:00');
  await expect(dashboard.dialog).toBeVisible();
  // From here page time moves only when the test moves it, however busy the machine.
  await holdClock(page);
  await expect(page).toHaveTitle(title);
  await setVisibility(page, 'hidden');
  await expect(page).toHaveTitle(/^(5:00|4:[0-5]\d) · You will be logged out soon$/);
  const [minutes = 0, seconds = 0] = (/^(\d):(\d\d)/.exec(await page.title()) ?? []).slice(1).map(Number);
  const later = minutes * 60 + seconds - 10;
  await page.clock.runFor(10_000);
  await expect(page).toHaveTitle(`${Math.floor(later / 60)}:${String(later % 60).padStart(2, '0')} · You will be logged out soon`);
  await setVisibility(page, 'visible');
  await expect(page).toHaveTitle(title);
  await setVisibility(page, 'hidden');
  await dashboard.stay.click();
  await expect(dashboard.dialog).toBeHidden();
  await expect(page).toHaveTitle(title);
});
