import AxeBuilder from '@axe-core/playwright';
import { expect, signIn, test } from './fixtures';

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
  await page.clock.fastForward('25:00');
  await expect(dashboard.dialog).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations).toEqual([]);
});
