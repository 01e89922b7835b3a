import { formatClockTime } from '../lib/shared/clock-time';
import { urlOf } from '../test-support/servers';
import { ADMIN, expect, holdClock, signIn, test, watchKeepAlives } from './fixtures';

// The `hour` server ends every session an hour after sign-in. An admin's idle lifetime (8 hours) is
// longer than that, so the absolute limit is the one that ends this session.
test.use({ baseURL: urlOf('hour') });

test.beforeEach(async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request, ADMIN);
  await dashboard.open();
});

test('a distinct warning names the end time five minutes before the absolute limit, and nothing extends it', async ({ page, dashboard }) => {
  const keepAlives = watchKeepAlives(page);
  // The time the dashboard gives for the end: the dialog must name the same.
  const endsAt = formatClockTime(Date.parse((await dashboard.absoluteEnd.locator('time').getAttribute('datetime')) ?? ''));
  // Page time moves only when the test moves it. From here the warning point is 55 minutes less the
  // moments the page took to load (up to a few seconds on a busy machine): 54:50 is before it, 55:00 past it.
  await holdClock(page);
  await page.clock.fastForward('54:49');
  await expect(dashboard.endsDialog).toBeHidden();
  await page.clock.fastForward('00:10');
  await expect(dashboard.endsDialog).toBeVisible();
  await expect(dashboard.endsDialog).toContainText('Save your work');
  await expect(dashboard.dialog).toBeHidden();
  // One fixed format, whatever the locale: "2:05pm", not "02:05 PM". The browser and this test share the machine's time zone.
  await expect(dashboard.endsDialog.getByRole('heading')).toHaveText(`Your session ends at ${endsAt}`);
  await expect(dashboard.endsDialog).toHaveAccessibleDescription(/^We will sign you out in [45] minutes\. Save your work: /);
  await expect(dashboard.endsDialog.getByRole('button', { name: 'Stay signed in' })).toHaveCount(0);

  await dashboard.continueWorking.click();
  await expect(dashboard.endsDialog).toBeHidden();
  await page.mouse.move(50, 50);
  await page.keyboard.press('Shift');
  // Seconds before the limit (at 59:50 at most), activity has extended nothing.
  await page.clock.fastForward('04:40');
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.endsDialog).toBeHidden();
  expect(keepAlives.bodies).toEqual([]);
  await page.clock.fastForward('00:30');
  await expect(page).toHaveURL('/login?reason=absolute&returnTo=%2Fdashboard');
  await expect(page.getByTestId('signed-out-reason')).toContainText('maximum length of 1 hour');
});

test('Escape closes the absolute warning like "Continue working"', async ({ page, dashboard }) => {
  await page.clock.fastForward('55:00');
  await expect(dashboard.continueWorking).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dashboard.endsDialog).toBeHidden();
  await expect(page).toHaveURL('/dashboard');
});

test('the dashboard says when the session ends in the same fixed format', async ({ page, dashboard }) => {
  await expect(dashboard.absoluteEnd).toHaveText(/^at (\d{1,2}(:\d{2})?[ap]m|midday|midnight) at the latest, however active you are$/);
  const datetime = (await dashboard.absoluteEnd.locator('time').getAttribute('datetime')) ?? '';
  await expect(dashboard.absoluteEnd.locator('time')).toHaveText(formatClockTime(Date.parse(datetime)));
  await page.clock.fastForward('55:00');
  await expect(dashboard.endsDialog.getByRole('heading')).toHaveText(`Your session ends at ${formatClockTime(Date.parse(datetime))}`);
});
