import { formatDuration } from '../lib/shared/duration';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { MAIN_LIFETIMES, urlOf } from '../test-support/servers';
import { ADMIN, DEMO, expect, sessionCookie, signIn, test } from './fixtures';

// SESSION_STORE=cookie: the sealed cookie is the whole session. The same client and warning; the parts that
// need a list of sessions say why they are absent; and a copy of the cookie outlives a sign-out, the mode's
// known property, pinned here so nobody takes it for a bug.
const PORT = appPort(49);
const BASE = `http://localhost:${PORT}`;

async function status(cookie: string) {
  const response = await fetch(`${BASE}/api/session`, { headers: { cookie } });
  return { code: response.status, body: (await response.json()) as { authenticated: boolean; reason?: string } };
}

test.describe('with SESSION_STORE=cookie', () => {
  test.describe.configure({ mode: 'serial', timeout: 90_000 });
  test.use({ baseURL: BASE });
  let app: RunningApp;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    // No lifetime settings: the defaults, as on `main`.
    app = await startApp(PORT, { SESSION_STORE: 'cookie' });
  });
  test.afterAll(async () => app?.stop());

  test('nothing can end a session from elsewhere: the end stream answers 204, and a page opens none', async ({ page, dashboard }) => {
    const response = await fetch(`${BASE}/api/session/events`, { headers: { cookie: await sessionCookie(BASE) } });
    expect(response.status).toBe(204);
    const streams: string[] = [];
    page.on('request', (request) => request.url().endsWith('/api/session/events') && streams.push(request.url()));
    await signIn(page.request, DEMO);
    await dashboard.open();
    await page.waitForLoadState('networkidle');
    expect(streams).toEqual([]);
  });

  test('a cookie of this mode, sent to a server that keeps records, gets 401 from its end stream', async () => {
    const cookie = await sessionCookie(BASE);
    const response = await fetch(`${urlOf('main')}/api/session/events`, { headers: { cookie } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ authenticated: false });
  });

  test('the dashboard says why it lists no sessions, and offers no "Sign out other sessions"', async ({ page, dashboard }) => {
    await signIn(page.request, DEMO);
    await dashboard.open();
    await expect(page.getByTestId('no-session-list')).toContainText('keeps no sessions of its own');
    await expect(page.getByTestId('no-session-list')).toContainText(`could keep using it until ${formatDuration(MAIN_LIFETIMES.absoluteMs)} after you signed in`);
    await expect(page.getByRole('button', { name: /Sign out other sessions/ })).toHaveCount(0);
    await expect(page.getByRole('table', { name: 'Your active sessions' })).toHaveCount(0);
  });

  test('"Recent activity" and the admin page\'s Events say the events go to the server\'s log only', async ({ page, dashboard }) => {
    await signIn(page.request, ADMIN);
    await dashboard.open();
    const activity = page.getByRole('region', { name: 'Recent activity' });
    await expect(activity.getByTestId('no-activity-list')).toContainText("written to the server's log only");
    await expect(activity.getByRole('list')).toHaveCount(0);
    await page.goto('/admin/sessions?view=events');
    await expect(page.getByRole('heading', { name: 'Events' })).toBeVisible();
    await expect(page.getByTestId('no-event-list')).toContainText("standard output");
    await expect(page.getByRole('table')).toHaveCount(0);
  });

  test('the admin page says there is no list in this mode, and has no "End session" buttons', async ({ page }) => {
    await signIn(page.request, ADMIN);
    await page.goto('/admin/sessions');
    await expect(page.getByRole('heading', { name: 'No list in this mode' })).toBeVisible();
    await expect(page.getByRole('button', { name: /End (the )?session/ })).toHaveCount(0);
  });

  test('the warning opens at the warning point, and "Stay signed in" reseals the cookie with the moved deadline', async ({ page, dashboard }) => {
    await page.clock.install();
    await signIn(page.request, DEMO);
    await dashboard.open();
    const before = (await page.context().cookies()).find((cookie) => cookie.name === '__Host-session')?.value;
    await page.clock.fastForward(MAIN_LIFETIMES.warningAtMs);
    await expect(dashboard.dialog).toBeVisible();
    await dashboard.stay.click();
    await expect(dashboard.dialog).toBeHidden();
    const after = (await page.context().cookies()).find((cookie) => cookie.name === '__Host-session')?.value;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  test('known property: a copy of the cookie taken before sign-out still reads as signed in afterwards', async () => {
    const copy = await sessionCookie(BASE);
    const signOut = await fetch(`${BASE}/api/session`, { method: 'DELETE', headers: { cookie: copy, Origin: BASE } });
    expect(signOut.status).toBe(200);
    // Nothing on the server remembers the sign-out: the copy lives until its idle deadline, and kept alive until the
    // absolute one (both unit-tested, stateless-session.test.ts).
    expect(await status(copy)).toMatchObject({ code: 200, body: { authenticated: true } });
  });
});
