import { ENGLISH_CLOCK, formatClockTime } from '../lib/shared/clock-time';
import { formatDuration } from '../lib/shared/duration';
import { fill } from '../lib/shared/timeout-words';
import { HOUR_LIFETIMES, urlOf } from '../test-support/servers';
import { ADMIN, anyOf, expect, holdClock, signIn, test, watchKeepAlives } from './fixtures';
import { escapeRegExp, minutesLeftSaid, WORDS } from './pages/dashboard-page';

const { absoluteMs, absoluteWarningAtMs, warningBeforeMs } = HOUR_LIFETIMES;
/** The end of the session as the absolute warning names it. */
const endsAtSaid = (at: number) => fill(WORDS.absolute.title, { time: formatClockTime(at, WORDS.clock) });

// The `hour` server ends every session an hour after sign-in. An admin's idle lifetime is longer than that, so the
// absolute limit is the one that ends this session.
test.use({ baseURL: urlOf('hour') });

test.beforeAll(() => {
  expect(HOUR_LIFETIMES.idleAdminMs, 'an administrator outlasts the absolute limit when idle').toBeGreaterThan(absoluteMs);
});

test.beforeEach(async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request, ADMIN);
  await dashboard.open();
});

test('a distinct warning names the end time at the absolute warning point, and nothing extends it', async ({ page, dashboard }) => {
  const keepAlives = watchKeepAlives(page);
  // The time the dashboard gives for the end: the dialog must name the same.
  const endsAt = Date.parse((await dashboard.absoluteEnd.locator('time').getAttribute('datetime')) ?? '');
  // Page time moves only when the test moves it (holding it moves it a second). From here the warning point is
  // the moments the page took to load (up to a few seconds on a busy machine) short of the absolute warning
  // point: 10 s before that is before it, the point itself past it.
  await holdClock(page);
  await page.clock.fastForward(absoluteWarningAtMs - 10_000 - 1_000);
  await expect(dashboard.endsDialog).toBeHidden();
  await page.clock.fastForward(10_000);
  await expect(dashboard.endsDialog).toBeVisible();
  await expect(dashboard.endsDialog).toContainText(WORDS.absolute.description);
  await expect(dashboard.dialog).toBeHidden();
  // One fixed format, whatever the locale: "2:05pm", not "02:05 PM". The browser and this test share the machine's time zone.
  await expect(dashboard.endsDialog.getByRole('heading')).toHaveText(endsAtSaid(endsAt));
  const atOpening = anyOf(minutesLeftSaid(warningBeforeMs), minutesLeftSaid(warningBeforeMs - 1_000));
  await expect(dashboard.endsDialog).toHaveAccessibleDescription(new RegExp(`^${atOpening} ${escapeRegExp(WORDS.absolute.description)}$`));
  await expect(dashboard.endsDialog.getByRole('button', { name: WORDS.idle.stay })).toHaveCount(0);

  await dashboard.continueWorking.click();
  await expect(dashboard.endsDialog).toBeHidden();
  await page.mouse.move(50, 50);
  await page.keyboard.press('Shift');
  // Seconds before the limit (10 to 20 of them), activity has extended nothing.
  await page.clock.fastForward(warningBeforeMs - 20_000);
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.endsDialog).toBeHidden();
  expect(keepAlives.bodies).toEqual([]);
  await page.clock.fastForward(30_000);
  await expect(page).toHaveURL('/login?reason=absolute&returnTo=%2Fdashboard');
  await expect(page.getByTestId('signed-out-reason')).toContainText(`maximum length of ${formatDuration(absoluteMs)}`);
});

test('Escape closes the absolute warning like "Continue working"', async ({ page, dashboard }) => {
  await page.clock.fastForward(absoluteWarningAtMs);
  await expect(dashboard.continueWorking).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dashboard.endsDialog).toBeHidden();
  await expect(page).toHaveURL('/dashboard');
});

test('the dashboard says when the session ends in the same fixed format', async ({ page, dashboard }) => {
  await expect(dashboard.absoluteEnd).toHaveText(/^at (\d{1,2}(:\d{2})?[ap]m|midday|midnight) at the latest, however active you are$/);
  const datetime = (await dashboard.absoluteEnd.locator('time').getAttribute('datetime')) ?? '';
  await expect(dashboard.absoluteEnd.locator('time')).toHaveText(formatClockTime(Date.parse(datetime), ENGLISH_CLOCK));
  await page.clock.fastForward(absoluteWarningAtMs);
  await expect(dashboard.endsDialog.getByRole('heading')).toHaveText(endsAtSaid(Date.parse(datetime)));
});
