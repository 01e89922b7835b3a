import type { BrowserContext, Page } from '@playwright/test';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import type { DashboardPage } from './pages/dashboard-page';
import { dbPath, MAIN_LIFETIMES } from '../test-support/servers';
import { ADMIN, DEMO, expect, holdClock, sessionStatus, signIn, test, watchKeepAlives, type Status } from './fixtures';

/**
 * Sensitive actions ask for the password again once the last proof of presence is older than
 * SESSION_REAUTH_WITHIN. The server decides, by its own clock, which Playwright's clock does not move: these
 * tests run against a server whose window is 3 seconds, and let it pass in real time (`outwaitWindow`).
 * Ending other sessions reaches every session of the user, so this server is the specs' own and they run in turn.
 */
const WINDOW_MS = 3_000;
const PORT = appPort(50);
const OWN = `http://localhost:${PORT}`;

const outwaitWindow = () => new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 200));

const confirmDialog = (page: Page) => page.getByRole('dialog', { name: "Confirm it's you" });

/** Another browser signed in as demo, and the id of its session as its own dashboard lists it. */
async function otherSession(context: BrowserContext, baseURL = OWN) {
  const other = await context.browser()?.newContext({ baseURL });
  if (!other) throw new Error('no browser');
  await signIn(other.request);
  const page = await other.newPage();
  await page.goto('/dashboard');
  const id = await page.locator('tr[data-session-id]', { hasText: '(this device)' }).getAttribute('data-session-id');
  await page.close();
  return Object.assign(other, { sessionId: id ?? '' });
}

/** The session's tag and deadlines as clock times of this process (the answer gives durations; a second of latency at most). */
async function deadlines(page: Page) {
  const at = Date.now();
  const body = (await sessionStatus(page.request)).body as Status & { sessionTag: string };
  return { sessionTag: body.sessionTag, idleAt: at + (body.idleExpiresInMs ?? 0), absoluteAt: at + (body.absoluteExpiresInMs ?? 0) };
}

/** The page's sensitive forms can ask in a dialog once it has hydrated, which adds this field to them. */
const hydrated = (page: Page) => expect(page.locator('input[name="scripted"]').first()).toBeAttached();

/**
 * Presses Confirm and waits until its answer is on the page: React empties the form once the action has
 * answered, and a password typed before that would be wiped.
 */
async function confirm(page: Page) {
  const field = confirmDialog(page).getByLabel('Password');
  await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), confirmDialog(page).getByRole('button', { name: 'Confirm' }).click()]);
  await expect(field).toHaveValue('');
}

/** Another browser signed in, this one on its dashboard past the window, and "Sign out other sessions" pressed: it asks. */
async function askedToSignOutOthers(page: Page, context: BrowserContext, dashboard: DashboardPage) {
  const other = await otherSession(context);
  await signIn(page.request);
  await dashboard.open();
  await outwaitWindow();
  await page.getByRole('button', { name: /Sign out other sessions/ }).click();
  return { other, dialog: confirmDialog(page) };
}

test.describe('asking again before sensitive actions', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ baseURL: OWN });
  let own: RunningApp;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    // A database of its own per start: a retry's server must not list the sessions of the first attempt. No
    // lifetime settings: the defaults, as on `main`.
    own = await startApp(PORT, { SESSION_DB_PATH: dbPath(`reauth-${Date.now()}`), SESSION_REAUTH_WITHIN: `${WINDOW_MS / 1000}s`, SESSION_MAX_PER_USER: '100000' });
  });
  test.afterAll(async () => own?.stop());

  test('after the window, "Sign out other sessions" asks in place; a wrong password does nothing, the right one completes it, and the notes and scroll stay', async ({ page, context, dashboard }) => {
    const other = await otherSession(context);
    await signIn(page.request);
    await page.setViewportSize({ width: 800, height: 400 });
    await dashboard.open();
    await hydrated(page);
    await dashboard.notes.fill('Half a thought');
    const before = await deadlines(page);
    await outwaitWindow();

    const button = page.getByRole('button', { name: /Sign out other sessions/ });
    await button.scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate(() => window.scrollY);
    await button.click();
    const dialog = confirmDialog(page);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('Password')).toBeFocused();

    await dialog.getByLabel('Password').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog.getByTestId('confirm-error-summary')).toBeFocused();
    await expect(dialog.getByTestId('confirm-error-summary').getByRole('link', { name: 'Wrong password' })).toHaveAttribute('href', '#confirm-password');
    await expect(dialog.getByLabel('Password')).toHaveAccessibleDescription(/Error: Wrong password/);
    expect((await sessionStatus(other.request)).code).toBe(200);

    await dialog.getByLabel('Password').fill(DEMO.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText('You are not signed in anywhere else.')).toBeVisible();
    expect((await sessionStatus(other.request)).body).toEqual({ authenticated: false, reason: 'signed-out-elsewhere' });

    await expect(dashboard.notes).toHaveValue('Half a thought');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    // The same session, its idle deadline slid by the confirmation, its absolute one where it was.
    const after = await deadlines(page);
    expect(after.sessionTag).toBe(before.sessionTag);
    expect(after.idleAt - before.idleAt).toBeGreaterThan(WINDOW_MS);
    expect(Math.abs(after.absoluteAt - before.absoluteAt)).toBeLessThan(1_000);
    await other.close();
  });

  test('Cancel, or Escape, leaves everything as it was', async ({ page, context, dashboard }) => {
    const other = await otherSession(context);
    await signIn(page.request);
    await dashboard.open();
    await dashboard.notes.fill('Kept as typed');
    await outwaitWindow();
    const button = page.getByRole('button', { name: /Sign out other sessions/ });
    await button.click();
    await confirmDialog(page).getByRole('button', { name: 'Cancel' }).click();
    await expect(confirmDialog(page)).toBeHidden();
    await expect(button).toBeFocused();
    await button.click();
    await expect(confirmDialog(page)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(confirmDialog(page)).toBeHidden();
    expect((await sessionStatus(other.request)).code).toBe(200);
    await expect(dashboard.notes).toHaveValue('Kept as typed');
    await other.close();
  });

  test('wrong passwords in the dialog are counted by the sign-in throttle, and past it even the right one does nothing', async ({ page, context, dashboard }) => {
    const { other, dialog } = await askedToSignOutOthers(page, context, dashboard);
    const summary = dialog.getByTestId('confirm-error-summary');
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await dialog.getByLabel('Password').fill(`wrong-${attempt}`);
      await confirm(page);
      await expect(summary).toHaveText(/Wrong password/);
    }
    await dialog.getByLabel('Password').fill(DEMO.password);
    await confirm(page);
    await expect(summary).toContainText(/Too many failed sign-in attempts\. Try again in \d+ minutes?\./);
    await expect(dialog).toBeVisible();
    expect((await sessionStatus(other.request)).code).toBe(200);
    await other.close();
  });

  test('what is typed while a wrong password\'s answer is on its way stays in the field', async ({ page, context, dashboard }) => {
    const { other, dialog } = await askedToSignOutOthers(page, context, dashboard);
    const password = dialog.getByLabel('Password');
    // The confirmation's answer (a server action, posted to the page) held back until the next password is half typed.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/dashboard', async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await password.fill('not-the-password');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    // Emptied as it is sent, not when the answer comes.
    await expect(password).toHaveValue('');
    await password.pressSequentially('half-ty');
    const answered = page.waitForResponse((response) => response.request().method() === 'POST');
    release();
    await answered;
    await expect(dialog.getByTestId('confirm-error-summary')).toHaveText(/Wrong password/);
    await expect(password).toHaveValue('half-ty');
    await page.unroute('**/dashboard');
    expect((await sessionStatus(other.request)).code).toBe(200);
    await other.close();
  });

  test('the admin page is not shown with an old authentication, even by URL, until the password is confirmed', async ({ page }) => {
    await signIn(page.request, ADMIN);
    await outwaitWindow();
    await page.goto('/admin/sessions');
    await expect(page.getByRole('heading', { level: 1, name: "Confirm it's you" })).toBeVisible();
    await expect(page.getByRole('button', { name: /End the session/ })).toHaveCount(0);
    await expect(page.getByRole('table')).toHaveCount(0);
    // Cancel leaves for the dashboard, since the admin page would only ask again.
    await expect(page.getByRole('link', { name: 'Cancel' })).toHaveAttribute('href', '/dashboard');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Active sessions' })).toBeVisible();
    await expect(page).toHaveURL(`${OWN}/admin/sessions`);
  });

  test('"End session" on the admin page asks again after the window, then ends exactly that session', async ({ page, context }) => {
    const other = await otherSession(context);
    await signIn(page.request, ADMIN);
    await page.goto('/admin/sessions');
    await hydrated(page);
    await outwaitWindow();
    const row = page.locator(`tr[data-session-id="${other.sessionId}"]`);
    await row.getByRole('button', { name: /End the session of demo/ }).click();
    const dialog = confirmDialog(page);
    await expect(dialog.getByLabel('Password')).toBeFocused();
    await dialog.getByLabel('Password').fill(ADMIN.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toHaveCount(0);
    expect((await sessionStatus(other.request)).body).toEqual({ authenticated: false, reason: 'ended-by-admin' });
    await other.close();
  });

  test('the idle warning opens over "Confirm it\'s you": focus goes to it, then back to the password, with what was typed kept', async ({ page, context, dashboard }) => {
    const other = await otherSession(context);
    await page.clock.install();
    await signIn(page.request);
    await dashboard.open();
    await hydrated(page);
    await outwaitWindow();
    await page.getByRole('button', { name: /Sign out other sessions/ }).click();
    const dialog = confirmDialog(page);
    const password = dialog.getByLabel('Password');
    await expect(password).toBeFocused();
    await password.pressSequentially('half-typ');
    // The person walks away with the dialog open, until the warning is due.
    const keepAlives = watchKeepAlives(page);
    await holdClock(page);
    // At the first warning point the typing is reported (the tabs are asked, then the keep-alive goes); the
    // server, whose clock is real, answers with a fresh idle lifetime. At the next one nothing has happened since.
    await page.clock.fastForward(MAIN_LIFETIMES.warningAtMs);
    await page.clock.runFor(1_000);
    await keepAlives.settled();
    expect(keepAlives.bodies).toHaveLength(1);
    await page.clock.fastForward(MAIN_LIFETIMES.warningAtMs);
    await page.clock.runFor(1_000);
    await expect(dashboard.dialog).toBeVisible();
    await expect(dashboard.stay).toBeFocused();
    // The warning is on top; the confirmation waits beneath it, open, with what was typed.
    await expect(page.locator('dialog[open]')).toHaveCount(2);
    await expect(password).toHaveValue('half-typ');
    await dashboard.stay.click();
    await keepAlives.settled();
    await expect(dashboard.dialog).toBeHidden();
    await expect(password).toBeFocused();
    await expect(password).toHaveValue('half-typ');
    // Typing goes on where it stopped, and the confirmation still does what was asked.
    await password.fill(DEMO.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText('You are not signed in anywhere else.')).toBeVisible();
    expect((await sessionStatus(other.request)).body).toEqual({ authenticated: false, reason: 'signed-out-elsewhere' });
    await other.close();
  });

  // Inside the serial group: its "Sign out other sessions" would end the sessions of the tests beside it.
  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });

    test('"Sign out other sessions" goes to a page that asks, then does it and comes back', async ({ page, context }) => {
      const other = await otherSession(context);
      await signIn(page.request);
      await page.goto('/dashboard');
      await outwaitWindow();
      await page.getByRole('button', { name: /Sign out other sessions/ }).click();
      await expect(page).toHaveURL(/\/confirm\?then=sign-out-others/);
      await expect(page.getByRole('heading', { level: 1, name: "Confirm it's you" })).toBeVisible();
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Confirm' }).click();
      await expect(page.getByTestId('confirm-error-summary').getByRole('link', { name: 'Wrong password' })).toBeVisible();
      expect((await sessionStatus(other.request)).code).toBe(200);
      await page.getByLabel('Password').fill(DEMO.password);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await expect(page).toHaveURL(`${OWN}/dashboard`);
      await expect(page.getByText('You are not signed in anywhere else.')).toBeVisible();
      expect((await sessionStatus(other.request)).body).toEqual({ authenticated: false, reason: 'signed-out-elsewhere' });
      await other.close();
    });

    test('a link to the page that asks says what confirming will do, and Cancel goes back without doing it', async ({ page, context }) => {
      const other = await otherSession(context);
      await signIn(page.request);
      await page.goto('/confirm?then=sign-out-others&returnTo=%2Fdashboard');
      await expect(page.getByText('Enter your password to sign out your other sessions.')).toBeVisible();
      await expect(page).toHaveTitle(/^Confirm it's you to sign out your other sessions/);
      await page.getByRole('link', { name: 'Cancel' }).click();
      await expect(page).toHaveURL(`${OWN}/dashboard`);
      expect((await sessionStatus(other.request)).code).toBe(200);
      await other.close();
    });

    test('for an administrator it names the session it would end, by its user and browser', async ({ page, context }) => {
      const other = await otherSession(context);
      await signIn(page.request, ADMIN);
      await page.goto(`/confirm?then=end-session&sessionId=${other.sessionId}&returnTo=%2Fadmin%2Fsessions`);
      await expect(page.getByText(/^Enter your password to end the session of demo on [\w ]+ on Linux\./)).toBeVisible();
      await other.close();
    });
  });
});

// On the main server (SESSION_REAUTH_WITHIN at its default, 5 minutes), ending only a session of its own.
test('inside the window nothing is asked: the admin page opens and ends a session at once', async ({ page, context, baseURL }) => {
  const other = await otherSession(context, baseURL);
  await signIn(page.request, ADMIN);
  await page.goto('/admin/sessions');
  await hydrated(page);
  const row = page.locator(`tr[data-session-id="${other.sessionId}"]`);
  await row.getByRole('button', { name: /End the session of demo/ }).click();
  await expect(row).toHaveCount(0);
  await expect(confirmDialog(page)).toHaveCount(0);
  expect((await sessionStatus(other.request)).body).toEqual({ authenticated: false, reason: 'ended-by-admin' });
  await other.close();
});
