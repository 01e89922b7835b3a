import type { BrowserContext, Page } from '@playwright/test';
import { formatDuration } from '../lib/shared/duration';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { dbPath, TEST_SECRET } from '../test-support/servers';
import { signInOverHttp } from '../test-support/sign-in';
import { SqliteSessionStore } from '../lib/server/stores/sqlite';
import type { EventFilter } from '../lib/server/stores/types';
import type { SessionEvent } from '../lib/server/stores/event-schema';
import { ADMIN, DEMO, expect, sessionStatus, signIn, test } from './fixtures';

/**
 * The event log, through the app as people use it, read back from the store itself. The server is the spec's own:
 * 25 s idle, a sweep every second, a re-authentication window of 3 s and a cap of 3 sessions per user, so the
 * real-time waits stay short. Tests run in turn and each finds its own events by the session's tag or a name of its own.
 */
const PORT = appPort(51);
const OWN = `http://localhost:${PORT}`;
const IDLE_MS = 25_000;
const SWEEP_MS = 1_000;
const REAUTH_MS = 3_000;
const NEW_SECRET = 'a-rotated-secret-for-the-event-log-spec-0123456789';

let db = '';
const env = () => ({
  SESSION_DB_PATH: db,
  SESSION_IDLE_TIMEOUT: `${IDLE_MS / 1000}s`,
  SESSION_WARNING_BEFORE: '20s',
  SESSION_SWEEP_EVERY: `${SWEEP_MS / 1000}s`,
  SESSION_REAUTH_WITHIN: `${REAUTH_MS / 1000}s`,
  SESSION_MAX_PER_USER: '3',
});

/** What the store holds for `filter`, read over a connection of the test's own (another process, as an admin tool would be). */
async function events(filter: EventFilter): Promise<SessionEvent[]> {
  const store = new SqliteSessionStore(db);
  try {
    return (await store.listEvents(filter, Date.now(), { offset: 0, limit: 1_000 })).events;
  } finally {
    await store.close();
  }
}

const ofSession = async (sessionTag: string) => (await events({})).filter((event) => event.sessionTag === sessionTag);
const tagOf = (body: unknown) => (body as { sessionTag: string }).sessionTag;
const confirmDialog = (page: Page) => page.getByRole('dialog', { name: "Confirm it's you" });
const outwaitReauth = () => new Promise((resolve) => setTimeout(resolve, REAUTH_MS + 200));

async function tagInBrowser(target: Pick<Page, 'request'>) {
  const { body } = await sessionStatus(target.request);
  return 'sessionTag' in body && typeof body.sessionTag === 'string' ? body.sessionTag : '';
}

async function newSignedIn(context: BrowserContext, account = DEMO) {
  const other = await context.browser()?.newContext({ baseURL: OWN });
  if (!other) throw new Error('no browser');
  await signIn(other.request, account);
  return other;
}

test.describe('the session event log', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ baseURL: OWN });
  let own: RunningApp;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    db = dbPath(`events-${Date.now()}`);
    own = await startApp(PORT, env());
  });
  test.afterAll(async () => own?.stop());

  test('an idle end is written at its deadline with no request for the session, at most a sweep late', async () => {
    test.setTimeout(IDLE_MS + 20_000);
    const answer = await signInOverHttp(OWN, DEMO);
    expect(answer.status).toBe(200);
    const tag = tagOf(answer.body);
    const [signedIn] = await ofSession(tag);
    expect(signedIn).toMatchObject({ kind: 'signed-in', username: 'demo', actor: { by: 'user' } });
    const deadline = (signedIn?.at ?? 0) + IDLE_MS;
    // Nothing calls the app from here on: only its own timer can end the session.
    let idle: SessionEvent | undefined;
    for (;;) {
      idle = (await ofSession(tag)).find((event) => event.kind === 'idle');
      if (idle || Date.now() > deadline + 10_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seenAt = Date.now();
    expect(idle).toMatchObject({ kind: 'idle', at: deadline, username: 'demo', actor: { by: 'system' }, details: { afterMs: IDLE_MS } });
    const lateMs = seenAt - deadline;
    test.info().annotations.push({ type: 'idle end written late by', description: `${lateMs} ms (sweep every ${SWEEP_MS} ms)` });
    // A sweep every second, a 100 ms poll, and a busy machine's slack.
    expect(lateMs).toBeLessThan(SWEEP_MS + 1_500);
    expect((await ofSession(tag)).map((event) => event.kind)).toEqual(['idle', 'signed-in']);
  });

  test('signing in and out writes one event each, and the dashboard shows them under "Recent activity"', async ({ page, loginPage, dashboard }) => {
    await loginPage.goto();
    await loginPage.signIn(DEMO.username, DEMO.password);
    await expect(dashboard.heading).toContainText('Welcome');
    const tag = await tagInBrowser(page);
    const activity = page.getByRole('region', { name: 'Recent activity' });
    await expect(activity.getByRole('list').getByRole('listitem').first()).toHaveText(/^Signed in · Headless Chrome on Linux · (\d{1,2}(:\d{2})?[ap]m|midday|midnight)$/);
    await expect(activity.getByRole('listitem').filter({ hasText: `Signed out after ${formatDuration(IDLE_MS)} without activity` })).toHaveCount(1);
    await dashboard.signOut.click();
    await expect(page).toHaveURL(/\/login/);
    expect((await ofSession(tag)).map(({ kind, actor }) => ({ kind, actor }))).toEqual([
      { kind: 'signed-out', actor: { by: 'user' } },
      { kind: 'signed-in', actor: { by: 'user' } },
    ]);
  });

  test('the same browser signing in again writes "replaced" for the session it held', async ({ page }) => {
    await signIn(page.request);
    const first = await tagInBrowser(page);
    await signIn(page.request);
    expect((await ofSession(first)).map((event) => event.kind)).toEqual(['replaced', 'signed-in']);
  });

  test('the sign-in beyond the cap ends the least recently used session, by the server', async () => {
    const tags: string[] = [];
    for (let i = 0; i < 4; i += 1) tags.push(tagOf((await signInOverHttp(OWN, ADMIN)).body));
    const limited = (await events({ kind: 'session-limit', username: 'admin' })).filter((event) => tags.includes(event.sessionTag ?? ''));
    expect(limited).toMatchObject([{ sessionTag: tags[0], actor: { by: 'system' }, username: 'admin' }]);
  });

  test('a throttled sign-in is written once per window, with the username and address', async () => {
    const name = `mallory-${Date.now()}`;
    const codes: number[] = [];
    for (let i = 0; i < 8; i += 1) codes.push((await signInOverHttp(OWN, { username: name, password: 'guess' }, { address: '10.9.9.9' })).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(await events({ username: name })).toMatchObject([{ kind: 'sign-in-throttled', actor: { by: 'user' }, details: { address: '10.9.9.9', reason: 'user' } }]);
  });

  test('"Sign out other sessions" after a wrong and a right password writes a failed and a successful re-authentication and the other session\'s end', async ({ page, context, dashboard }) => {
    const other = await newSignedIn(context);
    const otherTag = await tagInBrowser(other);
    await signIn(page.request);
    const mine = await tagInBrowser(page);
    await dashboard.open();
    await expect(page.locator('input[name="scripted"]').first()).toBeAttached();
    await outwaitReauth();
    await page.getByRole('button', { name: /Sign out other sessions/ }).click();
    const dialog = confirmDialog(page);
    await dialog.getByLabel('Password').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog.getByTestId('confirm-error-summary')).toBeFocused();
    await dialog.getByLabel('Password').fill(DEMO.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText('You are not signed in anywhere else.')).toBeVisible();

    expect((await ofSession(mine)).map(({ kind, details }) => ({ kind, reason: details.reason }))).toEqual([
      { kind: 'reauthenticated', reason: undefined },
      { kind: 'reauthentication-failed', reason: 'wrong-password' },
      { kind: 'signed-in', reason: undefined },
    ]);
    expect(await ofSession(otherTag)).toMatchObject([{ kind: 'signed-out-elsewhere', actor: { by: 'user' } }, { kind: 'signed-in' }]);
    await page.reload();
    await expect(page.getByRole('region', { name: 'Recent activity' }).getByRole('listitem').first()).toHaveText(/^Signed out from another device · Headless Chrome on Linux · /);
    await other.close();
  });

  test('an administrator ending a session writes who did it, and the Events view lists it, filtered, without JavaScript', async ({ page, context, browser }) => {
    const victim = await newSignedIn(context);
    const victimTag = await tagInBrowser(victim);
    await signIn(page.request, ADMIN);
    await page.goto('/admin/sessions');
    await expect(page.locator('input[name="scripted"]').first()).toBeAttached();
    // Past the window, so that "End session" always asks first, whatever the machine's pace.
    await outwaitReauth();
    await page.getByRole('button', { name: /End the session of demo/ }).first().click();
    await confirmDialog(page).getByLabel('Password').fill(ADMIN.password);
    await confirmDialog(page).getByRole('button', { name: 'Confirm' }).click();
    await expect(confirmDialog(page)).toBeHidden();
    // Once confirmed, the form is sent again: the session ends with that second post.
    await expect.poll(async () => (await events({ kind: 'ended-by-admin' })).length).toBe(1);
    const byAdmin = await events({ kind: 'ended-by-admin' });
    expect(byAdmin).toMatchObject([{ username: 'demo', actor: { by: 'admin', username: 'admin' } }]);
    const endedTag = byAdmin[0]?.sessionTag ?? '';
    expect(await ofSession(endedTag)).toMatchObject([{ kind: 'ended-by-admin' }, { kind: 'signed-in' }]);

    const noScript = await browser.newContext({ baseURL: OWN, javaScriptEnabled: false });
    await signIn(noScript.request, ADMIN);
    const plain = await noScript.newPage();
    await plain.goto('/admin/sessions?view=events');
    await expect(plain.getByRole('heading', { name: 'Events' })).toBeVisible();
    await plain.getByLabel('Kind').selectOption('ended-by-admin');
    await plain.getByLabel('User').fill('demo');
    await plain.getByRole('button', { name: 'Filter' }).click();
    await expect(plain).toHaveURL(/view=events&user=demo&kind=ended-by-admin/);
    const rows = plain.getByRole('table', { name: 'Session events' }).getByRole('row');
    await expect(rows.nth(1)).toContainText('Signed out by an administrator (admin)');
    await expect(rows).toHaveCount(2);
    await noScript.close();
    // Whichever of demo's sessions it was, the victim's is either it or still active: never ended otherwise.
    expect(endedTag === victimTag || (await sessionStatus(victim.request)).code === 200).toBe(true);
    await victim.close();
  });

  test('a cookie sealed under the previous secret is resealed at its keep-alive, and that is written once', async ({ page }) => {
    await signIn(page.request);
    const tag = await tagInBrowser(page);
    await own.stop();
    own = await startApp(PORT, { ...env(), SESSION_SECRET: NEW_SECRET, SESSION_SECRET_PREVIOUS: TEST_SECRET });
    for (let i = 0; i < 2; i += 1) expect((await page.request.post('/api/session/keep-alive', { data: { idleMs: 0 } })).status()).toBe(200);
    expect((await ofSession(tag)).map((event) => event.kind)).toEqual(['resealed', 'signed-in']);
  });
});
