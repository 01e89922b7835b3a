import type { Page } from '@playwright/test';
import { importJWK, SignJWT, generateKeyPair, type JWTPayload } from 'jose';
import { SqliteSessionStore } from '../lib/server/stores/sqlite';
import { appPort, type RunningApp } from '../test-support/app-server';
import { oidcProviderPort, startAppWithProvider, type RunningOidcProvider } from '../test-support/oidc-provider';
import { dbPath } from '../test-support/servers';
import { TIMEOUT_WORDS } from '../lib/shared/timeout-words';
import { expect, test } from './fixtures';
import { ALICE, PROVIDER_NAME, signInAtProvider, signInButton } from './pages/provider-page';

// Sign-out in both directions with a real provider (oidc-provider, scripts/dev-idp.mjs): the provider's back-channel
// logout ends the app's sessions, whose screens leave at once; the app's "Sign out of Example ID too" ends the
// provider's session (RP-initiated logout). And every logout token that is not exactly right is refused.
const LOGOUT_EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

async function signInThroughProvider(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/login`);
  await signInButton(page).click();
  await signInAtProvider(page);
  await expect(page).toHaveURL(`${base}/dashboard`);
}

/** The events the app wrote for `username`, read from its SQLite file as another process would. */
async function eventsOf(db: string, username: string) {
  const store = new SqliteSessionStore(db);
  try {
    return (await store.listEvents({ username }, Date.now(), { offset: 0, limit: 50 })).events;
  } finally {
    await store.close();
  }
}

/** Posts `body` as a form with no length given: chunked, in 64 KiB pieces. */
function postChunked(url: string, body: string): Promise<{ status(): number }> {
  const bytes = new TextEncoder().encode(body);
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += 65_536)));
    },
  });
  const init = { method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/x-www-form-urlencoded' } } as RequestInit;
  return fetch(url, init).then((response) => ({ status: () => response.status }));
}

/** How many sessions of `username`'s are active, read from the app's SQLite file. */
async function activeSessionsOf(db: string, username: string): Promise<number> {
  const store = new SqliteSessionStore(db);
  try {
    return (await store.listByUser(username, Date.now(), { offset: 0, limit: 1 })).total;
  } finally {
    await store.close();
  }
}

test.describe('signing out through the OpenID provider, both ways', () => {
  test.describe.configure({ mode: 'serial' });
  const PORT = appPort(35);
  const BASE = `http://localhost:${PORT}`;
  const DB = dbPath('oidc-sign-out');
  let provider: RunningOidcProvider;
  let app: RunningApp;
  let host: string;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    ({ provider, app } = await startAppWithProvider(PORT, { port: oidcProviderPort(2) }, {
      SESSION_DB_PATH: DB,
      // Every sensitive action asks again a second after the last proof of presence.
      SESSION_REAUTH_WITHIN: '1s',
    }));
    host = new URL(provider.issuer).host;
  });
  test.afterAll(async () => {
    await app?.stop();
    await provider?.stop();
  });

  /** A logout token for alice signed with the provider's own key (or `key`), `claims` over the ones a provider sends. */
  async function logoutToken(claims: JWTPayload = {}, { key, typ = 'logout+jwt' }: { key?: CryptoKey; typ?: string | null } = {}): Promise<string> {
    const { kid, alg } = provider.signingKey;
    const header = { alg: alg ?? 'RS256', kid, ...(typ === null ? {} : { typ }) };
    const signWith = key ?? (await importJWK(provider.signingKey, 'RS256'));
    const iat = Math.floor(Date.now() / 1000);
    const payload = { iss: provider.issuer, aud: provider.clientId, iat, exp: iat + 120, events: LOGOUT_EVENT, sub: ALICE.sub, jti: crypto.randomUUID(), ...claims };
    return new SignJWT(payload).setProtectedHeader(header).sign(signWith);
  }

  const postLogout = (page: Page, body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }) =>
    page.request.post(`${BASE}/api/oidc/backchannel-logout`, { data: body, headers, failOnStatusCode: false });
  const asForm = (token: string) => new URLSearchParams({ logout_token: token }).toString();

  test('a sign-out at the provider ends the app\'s session, and its screen leaves within 2 s with no input', async ({ page, context }) => {
    await signInThroughProvider(page, BASE);
    // The server's first page for anyone signed in through the provider already offers to sign out there too.
    await expect(page.getByRole('button', { name: `Sign out of ${PROVIDER_NAME} too` })).toBeVisible();
    // The provider's own sign-out page, in another tab of the same browser: the person signs out there.
    const atProvider = await context.newPage();
    await atProvider.goto(`${provider.issuer}/session/end`);
    const confirm = atProvider.getByRole('button', { name: 'Yes, sign me out' });
    await expect(confirm).toBeVisible();
    await confirm.click();
    const signedOutAt = Date.now();
    await expect(page).toHaveURL(/\/login\?reason=signed-out-at-provider/, { timeout: 2_000 });
    const tookMs = Date.now() - signedOutAt;
    test.info().annotations.push({ type: 'provider sign-out to screen', description: `${tookMs} ms` });
    await expect(page.getByRole('heading', { name: 'You were signed out at your identity provider' })).toBeVisible();
    await expect(page.getByText(`Your sign-in at ${PROVIDER_NAME} ended there`)).toBeVisible();
    expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(401);
    const [ended] = (await eventsOf(DB, `alice@${host}`)).filter((event) => event.kind === 'signed-out-at-provider');
    expect(ended).toMatchObject({ kind: 'signed-out-at-provider', actor: { by: 'provider', name: PROVIDER_NAME } });
    expect(provider.backchannel.at(-1)).toMatchObject({ ok: true, via: 'end_session', sub: ALICE.sub });
    await atProvider.close();
  });

  test('after "Confirm it\'s you" through the provider, a sign-out there still ends the session and its screen', async ({ page, context, browser }) => {
    // Another session of alice's, in another browser, for "Sign out other sessions" to end.
    const elsewhere = await browser.newPage();
    await signInThroughProvider(elsewhere, BASE);
    await elsewhere.close();
    await signInThroughProvider(page, BASE);
    await page.waitForTimeout(1_100);
    await page.getByRole('button', { name: /^Sign out other sessions/ }).click();
    await page.getByRole('button', { name: `Continue with ${PROVIDER_NAME}` }).click();
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    const atProvider = await context.newPage();
    await atProvider.goto(`${provider.issuer}/session/end`);
    await atProvider.getByRole('button', { name: 'Yes, sign me out' }).click();
    await expect(page).toHaveURL(/\/login\?reason=signed-out-at-provider/, { timeout: 2_000 });
    await atProvider.close();
  });

  test('a page of an older session signs nothing out: the browser goes to the dashboard of the session it holds', async ({ page, context }) => {
    await signInThroughProvider(page, BASE);
    // Another tab signs in again with the password form, as someone else: the cookie now names that session.
    const other = await context.newPage();
    await other.goto(`${BASE}/login`);
    await other.getByLabel('Username').fill('demo');
    await other.getByLabel('Password').fill('demo-password');
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(other).toHaveURL(`${BASE}/dashboard`);
    // The first tab still shows alice's page; its "Sign out of Example ID too" must end neither demo's session nor alice's provider session.
    await page.getByRole('button', { name: `Sign out of ${PROVIDER_NAME} too` }).click();
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    expect(await (await page.request.get(`${BASE}/api/session`)).json()).toMatchObject({ authenticated: true, user: { username: 'demo' } });
    await other.close();
  });

  test('"Sign out of Example ID too" ends both sessions: the provider asks for the password at the next sign-in', async ({ page }) => {
    await signInThroughProvider(page, BASE);
    // Both buttons, each named for what it does.
    await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
    await page.getByRole('button', { name: `Sign out of ${PROVIDER_NAME} too` }).click();
    // The provider's end-session page, reached with the ID token as hint, asks to confirm; then back to the login page.
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await expect(page).toHaveURL(`${BASE}/login`);
    expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(401);
    await signInButton(page).click();
    await expect(page.getByLabel('Password')).toBeVisible();
    const kinds = (await eventsOf(DB, `alice@${host}`)).map((event) => event.kind);
    // The app's own sign-out came first: the provider's back-channel logout that followed found nothing left to end.
    expect(kinds[0]).toBe('signed-out');
  });

  test('"Sign out of Example ID too" on a page whose session has ended meanwhile still ends the provider\'s session', async ({ browser }) => {
    // Without JavaScript, a page stays as it was when its session ends elsewhere.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${BASE}/login`);
    await signInButton(page).click();
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    expect((await postLogout(page, asForm(await logoutToken()))).status()).toBe(200);
    await page.getByRole('button', { name: `Sign out of ${PROVIDER_NAME} too` }).click();
    await expect(page.getByRole('button', { name: 'Yes, sign me out' })).toBeVisible();
    await context.close();
  });

  test('plain "Sign out" leaves the provider\'s session: the next sign-in needs no password', async ({ page }) => {
    await signInThroughProvider(page, BASE);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login\?reason=signed-out/);
    await signInButton(page).click();
    await expect(page).toHaveURL(`${BASE}/dashboard`);
  });

  test('a valid logout token ends every session of its subject; the same token again is refused as a replay', async ({ page, browser }) => {
    await signInThroughProvider(page, BASE);
    const active = await activeSessionsOf(DB, `alice@${host}`);
    expect(active).toBeGreaterThanOrEqual(1);
    const token = await logoutToken();
    const first = await postLogout(page, asForm(token));
    expect(first.status()).toBe(200);
    expect(first.headers()['cache-control']).toBe('no-store');
    expect(await first.json()).toEqual({ ended: active });
    expect(await activeSessionsOf(DB, `alice@${host}`)).toBe(0);
    expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(401);

    // A replay, even of a token that ended nothing new: refused, on every instance, as the jti is kept in the store.
    const other = await browser.newPage();
    await signInThroughProvider(other, BASE);
    const again = await postLogout(other, asForm(token));
    expect(again.status()).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_request', error_description: 'The logout token was not accepted' });
    expect((await other.request.get(`${BASE}/api/session`)).status()).toBe(200);
    await other.close();
  });

  test('50 posts of one logout token at once: one is accepted, each session ends once', async ({ page }) => {
    await signInThroughProvider(page, BASE);
    const active = await activeSessionsOf(DB, `alice@${host}`);
    const before = (await eventsOf(DB, `alice@${host}`)).filter((event) => event.kind === 'signed-out-at-provider').length;
    const token = await logoutToken();
    const answers = await Promise.all(Array.from({ length: 50 }, () => postLogout(page, asForm(token))));
    const statuses = answers.map((answer) => answer.status());
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 400)).toHaveLength(49);
    const after = (await eventsOf(DB, `alice@${host}`)).filter((event) => event.kind === 'signed-out-at-provider').length;
    expect(after - before).toBe(active);
    expect(await answers[statuses.indexOf(200)]?.json()).toEqual({ ended: active });
  });

  const forged = async () => (await generateKeyPair('RS256')).privateKey;
  const hostile: Array<[string, () => Promise<string>]> = [
    ['signed with another key under the provider\'s key id', async () => logoutToken({}, { key: await forged() })],
    ['issued 10 minutes ago', async () => logoutToken({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) + 60 })],
    ['without an expiry', async () => logoutToken({ exp: undefined })],
    ['issued in the future', async () => logoutToken({ iat: Math.floor(Date.now() / 1000) + 600 })],
    ['expired', async () => logoutToken({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['for another audience', async () => logoutToken({ aud: 'another-client' })],
    ['from another issuer', async () => logoutToken({ iss: 'http://localhost:1/elsewhere' })],
    ['carrying a nonce', async () => logoutToken({ nonce: 'n-0S6_WzA2Mj' })],
    ['without the back-channel event', async () => logoutToken({ events: { 'http://schemas.openid.net/event/other': {} } })],
    ['whose event is not an object', async () => logoutToken({ events: { 'http://schemas.openid.net/event/backchannel-logout': 'yes' } })],
    ['with neither sub nor sid', async () => logoutToken({ sub: undefined })],
    ['without a jti', async () => logoutToken({ jti: undefined })],
    ['typed as another kind of JWT', async () => logoutToken({}, { typ: 'JWT' })],
    ['unsigned (alg none)', async () => `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: provider.issuer, aud: provider.clientId, iat: Math.floor(Date.now() / 1000), jti: 'none-1', sub: ALICE.sub, events: LOGOUT_EVENT })).toString('base64url')}.`],
    ['that is not a JWT at all', async () => 'not.a.jwt'],
  ];
  for (const [what, make] of hostile) {
    test(`a logout token ${what}: 400, and nothing ended`, async ({ page }) => {
      await signInThroughProvider(page, BASE);
      const answer = await postLogout(page, asForm(await make()));
      expect(answer.status()).toBe(400);
      expect(await answer.json()).toMatchObject({ error: 'invalid_request' });
      expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(200);
    });
  }

  test('bodies that are not a logout form: 400, 413 or 415, never a 5xx, nothing ended', async ({ page }) => {
    await signInThroughProvider(page, BASE);
    const huge = `logout_token=${'a'.repeat(1024 * 1024)}`;
    const cases: Array<[string, Promise<{ status(): number }>, number]> = [
      ['no logout_token', postLogout(page, 'token=x'), 400],
      ['two logout_tokens', postLogout(page, `${asForm(await logoutToken())}&${asForm(await logoutToken())}`), 400],
      ['JSON', postLogout(page, JSON.stringify({ logout_token: await logoutToken() }), { 'content-type': 'application/json' }), 415],
      ['1 MiB with its length', postLogout(page, huge), 413],
      ['1 MiB chunked', postChunked(`${BASE}/api/oidc/backchannel-logout`, huge), 413],
    ];
    for (const [what, answer, status] of cases) expect((await answer).status(), what).toBe(status);
    expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(200);
  });

  test('the back-channel endpoint takes no browser\'s word: a cross-site post with a session cookie is judged by its token alone', async ({ page }) => {
    await signInThroughProvider(page, BASE);
    const answer = await page.request.post(`${BASE}/api/oidc/backchannel-logout`, {
      form: { logout_token: 'x.y.z' },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      failOnStatusCode: false,
    });
    expect(answer.status()).toBe(400);
    expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(200);
  });
});

test.describe('OIDC_PROVIDER_SIGN_OUT=always', () => {
  // One app and one provider for these tests: one worker runs them all.
  test.describe.configure({ mode: 'serial' });
  const PORT = appPort(36);
  const BASE = `http://localhost:${PORT}`;
  let provider: RunningOidcProvider;
  let app: RunningApp;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    ({ provider, app } = await startAppWithProvider(PORT, { port: oidcProviderPort(3) }, {
      SESSION_DB_PATH: dbPath('oidc-sign-out-always'),
      OIDC_PROVIDER_SIGN_OUT: 'always',
    }));
  });
  test.afterAll(async () => {
    await app?.stop();
    await provider?.stop();
  });

  test('the one Sign out button ends the provider\'s session too', async ({ page }) => {
    await signInThroughProvider(page, BASE);
    await expect(page.getByRole('button', { name: /^Sign out of/ })).toHaveCount(0);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await expect(page).toHaveURL(`${BASE}/login`);
    await signInButton(page).click();
    await expect(page.getByLabel('Password')).toBeVisible();
  });

  test('"Log out now" in the warning ends the provider\'s session too', async ({ page }) => {
    await signInThroughProvider(page, BASE);
    await page.clock.install();
    await page.goto(`${BASE}/dashboard`);
    // The warning 5 minutes before the 30 idle minutes, on the page's clock.
    await page.clock.fastForward('25:01');
    const dialog = page.getByRole('dialog', { name: TIMEOUT_WORDS.idle.title });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: TIMEOUT_WORDS.signOut }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await expect(page).toHaveURL(`${BASE}/login`);
    expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(401);
    await signInButton(page).click();
    await expect(page.getByLabel('Password')).toBeVisible();
  });

});
