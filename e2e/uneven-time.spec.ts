import type { Page } from '@playwright/test';
import { formatCountdown } from '../lib/shared/duration';
import { MAIN_LIFETIMES } from '../test-support/servers';
import { anyOf, expect, holdClock, pageNow, setVisibility, signIn, test, watchKeepAlives } from './fixtures';
import { escapeRegExp, WORDS } from './pages/dashboard-page';

const { idleMs, warningBeforeMs, warningAtMs } = MAIN_LIFETIMES;

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

async function sleepFor(page: Page, ms: number) {
  await page.clock.setSystemTime((await pageNow(page)) + ms);
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
    // Well past the idle deadline, however long that is.
    await sleepFor(page, 1.5 * idleMs);
    await wake(page);
    await expect(page).toHaveURL('/login?reason=idle&returnTo=%2Fdashboard', { timeout: 2_000 });
    expect(await dialogsShown(page)).toBe(0);
  });
}

test('coming back inside the warning window shows the warning with the true time left', async ({ page, dashboard }) => {
  await setVisibility(page, 'hidden');
  // Halfway through the warning: half of it is left.
  await sleepFor(page, warningAtMs + warningBeforeMs / 2);
  await setVisibility(page, 'visible');
  await expect(dashboard.dialog).toBeVisible();
  await expect(dashboard.countdown).toHaveText(new RegExp(`^${anyOf(formatCountdown(warningBeforeMs / 2), formatCountdown(warningBeforeMs / 2 - 1_000))}$`));
});

test('returning to a tab is not activity', async ({ page, dashboard }) => {
  const keepAlives = watchKeepAlives(page);
  // Hidden a third of the way to the warning point, back two thirds of the way, and no activity at all.
  const third = Math.floor(warningAtMs / 3);
  await page.clock.fastForward(third);
  await setVisibility(page, 'hidden');
  await page.clock.fastForward(third);
  await setVisibility(page, 'visible');
  await page.evaluate(() => window.dispatchEvent(new FocusEvent('focus')));
  await page.clock.fastForward(warningAtMs - 2 * third);
  await expect(dashboard.dialog).toBeVisible();
  expect(keepAlives.bodies).toEqual([]);
});

test('a hidden tab shows the countdown in its title while the warning is open, and gets its title back', async ({ page, dashboard }) => {
  const title = await page.title();
  await page.clock.fastForward(warningAtMs);
  await expect(dashboard.dialog).toBeVisible();
  // From here page time moves only when the test moves it, however busy the machine.
  await holdClock(page);
  await expect(page).toHaveTitle(title);
  await setVisibility(page, 'hidden');
  const warningTitle = ` · ${WORDS.idle.title}`;
  await expect(page).toHaveTitle(new RegExp(`^\\d+:[0-5]\\d${escapeRegExp(warningTitle)}$`));
  const [minutes = 0, seconds = 0] = (/^(\d+):(\d\d)/.exec(await page.title()) ?? []).slice(1).map(Number);
  // The whole warning, or up to a minute less if the machine was slow.
  const shown = minutes * 60 + seconds;
  expect(shown).toBeGreaterThanOrEqual(warningBeforeMs / 1_000 - 60);
  expect(shown).toBeLessThanOrEqual(warningBeforeMs / 1_000);
  await page.clock.runFor(10_000);
  await expect(page).toHaveTitle(`${formatCountdown((shown - 10) * 1_000)}${warningTitle}`);
  await setVisibility(page, 'visible');
  await expect(page).toHaveTitle(title);
  await setVisibility(page, 'hidden');
  await dashboard.stay.click();
  await expect(dashboard.dialog).toBeHidden();
  await expect(page).toHaveTitle(title);
});
