import { ADMIN, DEMO, expect, signIn, test } from './fixtures';
import { DashboardPage } from './pages/dashboard-page';
import { IDLE_LIMITS_SAID } from './pages/login-page';
import { MAIN_LIFETIMES } from '../test-support/servers';

test.beforeEach(async ({ page, dashboard }) => {
  await page.clock.install();
  await signIn(page.request);
  await dashboard.open();
});

test('notes typed before a timeout are back after signing in again, on the page the user was on', async ({ page, dashboard, loginPage }) => {
  await dashboard.notes.fill('Quarterly figures: draft 3');
  await page.clock.fastForward(MAIN_LIFETIMES.idleMs);
  await expect(page).toHaveURL('/login?reason=idle&returnTo=%2Fdashboard');
  // WCAG 2.2.6: the user learns how long inactivity may last.
  await expect(loginPage.reason).toContainText(`signed out after ${IDLE_LIMITS_SAID}`);
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.notes).toHaveValue('Quarterly figures: draft 3');
  await expect(page.getByText('Your unsaved notes were restored.')).toBeVisible();
});

test('another account signing in on the same browser never sees them', async ({ page, dashboard, loginPage }) => {
  await dashboard.notes.fill('private to demo');
  await page.clock.fastForward(MAIN_LIFETIMES.idleMs);
  await expect(page).toHaveURL(/\/login\?reason=idle/);
  await loginPage.signIn(ADMIN.username, ADMIN.password);
  await expect(dashboard.heading).toHaveText('Welcome, Admin User');
  await expect(dashboard.notes).toHaveValue('');
});

test('Sign out asks before discarding unsaved notes, and Cancel keeps them and the session', async ({ page, dashboard, loginPage }) => {
  await dashboard.notes.fill('half a thought');
  await dashboard.signOut.click();
  await expect(dashboard.discardDialog).toBeVisible();
  await expect(dashboard.discardDialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dashboard.discardDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dashboard.discardDialog).toBeHidden();
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.notes).toHaveValue('half a thought');

  await dashboard.signOut.click();
  await dashboard.discardDialog.getByRole('button', { name: 'Discard notes and sign out' }).click();
  await expect(page).toHaveURL('/login?reason=signed-out');
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(page).toHaveURL('/dashboard');
  await expect(dashboard.notes).toHaveValue('');
});

test('notes typed in two tabs stay one text, and all of it survives a timeout', async ({ context, page, dashboard, loginPage }) => {
  const other = new DashboardPage(await context.newPage());
  await other.open();
  await dashboard.notes.fill('written in the first tab');
  await expect(other.notes).toHaveValue('written in the first tab');
  await other.notes.press('End');
  await other.notes.pressSequentially(', then the second');
  await expect(dashboard.notes).toHaveValue('written in the first tab, then the second');
  await page.clock.fastForward(MAIN_LIFETIMES.idleMs);
  await expect(page).toHaveURL(/\/login\?reason=idle/);
  await expect(other.page).toHaveURL(/\/login\?reason=idle/);
  await loginPage.signIn(DEMO.username, DEMO.password);
  await expect(dashboard.notes).toHaveValue('written in the first tab, then the second');
});
