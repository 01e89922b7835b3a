import AxeBuilder from '@axe-core/playwright';
import type { Locator } from '@playwright/test';
import { ADMIN, expect, signIn, test } from './fixtures';
import { unreachableSaid } from './pages/dashboard-page';
import { HOUR_LIFETIMES, MAIN_LIFETIMES, urlOf } from '../test-support/servers';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

test('the login page has no axe violations', async ({ page, loginPage }) => {
  await loginPage.goto('?reason=idle');
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations).toEqual([]);
});

test('the login page showing errors has no axe violations', async ({ page, loginPage }) => {
  await loginPage.goto('?reason=idle');
  await loginPage.submit.click();
  await expect(loginPage.errorSummary).toBeFocused();
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations).toEqual([]);
});

test('the dashboard has no axe violations', async ({ page, dashboard }) => {
  await signIn(page.request);
  await dashboard.open();
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations).toEqual([]);
});

test('the open warning has no axe violations', async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request);
  await dashboard.open();
  await page.clock.fastForward(MAIN_LIFETIMES.warningAtMs);
  await expect(dashboard.dialog).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations).toEqual([]);
});

test('the warning saying a keep-alive failed has no axe violations', async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request);
  await dashboard.open();
  await page.clock.fastForward(MAIN_LIFETIMES.warningAtMs);
  await page.route('**/api/session/keep-alive', (route) => route.fulfill({ status: 503, json: { error: 'Service unavailable' } }));
  await dashboard.stay.click();
  await expect(dashboard.dialog.getByRole('status')).toHaveText(unreachableSaid);
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations).toEqual([]);
});

/**
 * What forced colours (Windows high contrast) leave of a dialog's edge: box shadows are dropped, and
 * the border takes a system colour, so only a border or an outline can still draw one.
 */
async function edgeOf(dialog: Locator) {
  return dialog.evaluate((element) => {
    const style = getComputedStyle(element);
    const width = (side: string) => parseFloat(style.getPropertyValue(`border-${side}-width`));
    return {
      borderWidths: ['top', 'right', 'bottom', 'left'].map(width),
      borderStyle: style.borderTopStyle,
      borderColor: style.borderTopColor,
      background: style.backgroundColor,
      boxShadow: style.boxShadow,
    };
  });
}

function expectAnEdge(edge: Awaited<ReturnType<typeof edgeOf>>) {
  expect(edge.boxShadow).toBe('none');
  expect(edge.borderStyle).toBe('solid');
  for (const width of edge.borderWidths) expect(width).toBeGreaterThanOrEqual(1);
  expect(edge.borderColor).not.toBe(edge.background);
  expect(edge.borderColor).not.toMatch(/rgba\(.*, 0\)$|transparent/);
}

test.describe('under forced colours (Windows high contrast)', () => {
  test.beforeEach(async ({ page }) => {
    await page.emulateMedia({ forcedColors: 'active' });
  });

  test('the warning and the discard-notes dialog keep a visible edge', async ({ page, dashboard }) => {
    await page.clock.install();
    await signIn(page.request);
    await dashboard.open();
    await page.clock.fastForward(MAIN_LIFETIMES.warningAtMs);
    await expect(dashboard.dialog).toBeVisible();
    expectAnEdge(await edgeOf(dashboard.dialog));
    await dashboard.stay.click();
    await expect(dashboard.dialog).toBeHidden();

    await dashboard.notes.fill('unsaved');
    await dashboard.signOut.click();
    await expect(dashboard.discardDialog).toBeVisible();
    expectAnEdge(await edgeOf(dashboard.discardDialog));
  });

  test.describe('on a server whose sessions last an hour', () => {
    test.use({ baseURL: urlOf('hour') });

    test('the absolute warning keeps a visible edge', async ({ page, dashboard }) => {
      await page.clock.install();
      await signIn(page.request, ADMIN);
      await dashboard.open();
      await page.clock.fastForward(HOUR_LIFETIMES.absoluteWarningAtMs);
      await expect(dashboard.endsDialog).toBeVisible();
      expectAnEdge(await edgeOf(dashboard.endsDialog));
    });
  });
});
