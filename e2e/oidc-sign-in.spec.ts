import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Response } from '@playwright/test';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { appSettingsFor, oidcProviderPort, startAppWithProvider, startOidcProvider, type RunningOidcProvider } from '../test-support/oidc-provider';
import { dbPath } from '../test-support/servers';
import { TIMEOUT_WORDS } from '../lib/shared/timeout-words';
import { expect, test } from './fixtures';
import { BOB, PROVIDER_NAME, signInAtProvider, signInButton } from './pages/provider-page';

// Signing in through an OpenID provider: a real one (oidc-provider, scripts/dev-idp.mjs) on a loopback port, and a
// server of our own set to it, with the shortest idle lifetime a warning allows (25 s, the warning at 20 s before), so
// the warning, the keep-alive and the idle sign-out happen in real time, as the provider's clock cannot be moved.
const PORT = appPort(33);
const BASE = `http://localhost:${PORT}`;
const IDLE_MS = 25_000;

/** Every answer this app gives `page`, to show that none was a 5xx. */
function appAnswers(page: Page): Response[] {
  const answers: Response[] = [];
  page.on('response', (response) => void (response.url().startsWith(BASE) && answers.push(response)));
  return answers;
}

const serverErrors = (answers: Response[]) => answers.filter((answer) => answer.status() >= 500).map((answer) => `${answer.status()} ${answer.url()}`);

/** The provider's authorization URL for a flow started by `page`'s browser: its flow cookie is set, the page stays. */
async function startFlow(page: Page): Promise<URL> {
  const answer = await page.request.get(`${BASE}/api/oidc/login?returnTo=/dashboard`, { maxRedirects: 0 });
  expect(answer.status()).toBe(303);
  return new URL(answer.headers().location ?? '');
}

test.describe('signing in through an OpenID provider', () => {
  test.describe.configure({ mode: 'serial' });
  let provider: RunningOidcProvider;
  let app: RunningApp;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    ({ provider, app } = await startAppWithProvider(PORT, { port: oidcProviderPort(0) }, {
      SESSION_DB_PATH: dbPath('oidc-sign-in'),
      SESSION_IDLE_TIMEOUT: '25s',
      SESSION_WARNING_BEFORE: '20s',
      // Every sensitive action asks again a second after the last proof of presence.
      SESSION_REAUTH_WITHIN: '1s',
    }));
  });
  test.afterAll(async () => {
    await app?.stop();
    await provider?.stop();
  });

  test('the login page offers "Sign in with Example ID" above the password form; a server with no provider does not', async ({ page }) => {
    await page.goto(`${BASE}/login`);
    const button = signInButton(page);
    await expect(button).toBeVisible();
    const [buttonBox, usernameBox] = [await button.boundingBox(), await page.getByLabel('Username').boundingBox()];
    expect(buttonBox?.y ?? Infinity).toBeLessThan(usernameBox?.y ?? -Infinity);
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: /^Sign in with/ })).toHaveCount(0);
  });

  test('signs in through the provider into a session of the app\'s own: its deadlines, its event, the warning and "Stay signed in"', async ({ page }) => {
    const answers = appAnswers(page);
    await page.goto(`${BASE}/login?returnTo=%2Fdashboard%3Ffrom%3Dprovider`);
    await signInButton(page).click();
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${BASE}/dashboard?from=provider`);
    await expect(page.getByRole('heading', { name: 'Welcome, alice' })).toBeVisible();
    const status = await (await page.request.get(`${BASE}/api/session`)).json();
    expect(status).toMatchObject({ authenticated: true, user: { username: `alice@${new URL(provider.issuer).host}`, role: 'user' } });
    expect(status.idleExpiresInMs).toBeLessThanOrEqual(IDLE_MS);
    await expect(page.getByText(`Signed in with ${PROVIDER_NAME}`).first()).toBeVisible();

    // The warning at its point, and "Stay signed in" extends the session as for anyone.
    const dialog = page.getByRole('dialog', { name: TIMEOUT_WORDS.idle.title });
    await expect(dialog).toBeVisible({ timeout: IDLE_MS });
    const kept = page.waitForResponse((response) => response.url().endsWith('/api/session/keep-alive'));
    await dialog.getByRole('button', { name: TIMEOUT_WORDS.idle.stay }).click();
    expect((await kept).status()).toBe(200);
    await expect(dialog).toBeHidden();
    expect(serverErrors(answers)).toEqual([]);
  });

  test('after the idle sign-out the provider asks for the password again, though its own session is alive', async ({ page }) => {
    test.setTimeout(IDLE_MS * 2 + 30_000);
    await page.goto(`${BASE}/login`);
    await signInButton(page).click();
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    // Signed out at once and back: within max_age (the idle lifetime) the provider's session answers alone.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login/);
    await signInButton(page).click();
    await expect(page).toHaveURL(`${BASE}/dashboard`);

    // Left alone past the idle lifetime: signed out, and the provider's session, older than max_age now, is not enough.
    await expect(page).toHaveURL(/\/login\?reason=idle/, { timeout: IDLE_MS + 10_000 });
    // The idle sign-out comes max_age after the last activity, and so at least max_age after the password: the
    // provider counts whole seconds, so a return within the same second as that may still pass. A second later it never does.
    await page.waitForTimeout(1_100);
    await signInButton(page).click();
    await expect(page.getByLabel('Password')).toBeVisible();
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${BASE}/dashboard`);
  });

  test('"Confirm it\'s you" goes through the provider, which asks for the password, and then the pending action runs', async ({ page, browser }) => {
    const answers = appAnswers(page);
    // Another session of alice's, for "Sign out other sessions" to end.
    const other = await browser.newPage();
    await other.goto(`${BASE}/login`);
    await signInButton(other).click();
    await signInAtProvider(other);
    await expect(other).toHaveURL(`${BASE}/dashboard`);

    await page.goto(`${BASE}/login`);
    await signInButton(page).click();
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    await page.waitForTimeout(1_100);
    await page.getByRole('button', { name: /^Sign out other sessions/ }).click();
    // No password of alice's here: the page that asks sends her to the provider, naming what it is for.
    await expect(page).toHaveURL(/\/confirm\?then=sign-out-others/);
    await expect(page.getByText('To sign out your other sessions, sign in again at Example ID')).toBeVisible();
    await page.getByRole('button', { name: `Continue with ${PROVIDER_NAME}` }).click();
    // max_age=0: the provider asks for the password although its session is seconds old.
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    await expect(page.getByText('You are not signed in anywhere else.')).toBeVisible();
    await expect(page.getByText(`Confirmed it was you with ${PROVIDER_NAME}`).first()).toBeVisible();
    expect((await other.request.get(`${BASE}/api/session`)).status()).toBe(401);
    await other.close();
    expect(serverErrors(answers)).toEqual([]);
  });

  test('a confirmation in which someone else signs in at the provider confirms nothing and does nothing', async ({ page, browser }) => {
    const other = await browser.newPage();
    await other.goto(`${BASE}/login`);
    await signInButton(other).click();
    await signInAtProvider(other);
    await page.goto(`${BASE}/login`);
    await signInButton(page).click();
    await signInAtProvider(page);
    await page.waitForTimeout(1_100);
    await page.getByRole('button', { name: /^Sign out other sessions/ }).click();
    await page.getByRole('button', { name: `Continue with ${PROVIDER_NAME}` }).click();
    await signInAtProvider(page, BOB);
    // bob's sign-in ended alice's session at the provider, in this browser: it said so by back-channel, and this
    // session of alice's ended with it. Nothing was confirmed and nothing done: alice's other session is untouched.
    await expect(page).toHaveURL(/\/login\?reason=signed-out-at-provider/);
    expect((await other.request.get(`${BASE}/api/session`)).status()).toBe(200);
    expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(401);
    await other.close();
  });

  test('cancelled at the provider: not signed in, and the login page says so', async ({ page }) => {
    const answers = appAnswers(page);
    await page.goto(`${BASE}/login`);
    await signInButton(page).click();
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect(page).toHaveURL(/\/login\?provider=cancelled/);
    await expect(page.getByTestId('provider-problem')).toContainText(`Signing in with ${PROVIDER_NAME} was cancelled`);
    expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(401);
    expect(serverErrors(answers)).toEqual([]);
  });

  for (const [what, tamper, problem] of [
    // No flow of this browser's has that state: nothing is taken, and the page says none was waiting.
    ['a wrong state', (url: URL) => url.searchParams.set('state', 'x'.repeat(43)), 'expired'],
    ['a wrong nonce', (url: URL) => url.searchParams.set('nonce', 'y'.repeat(43)), 'failed'],
    ['no nonce', (url: URL) => url.searchParams.delete('nonce'), 'failed'],
  ] as const) {
    test(`an authorization sent with ${what}: the answer is refused, nobody is signed in, 0 × 5xx`, async ({ page }) => {
      const answers = appAnswers(page);
      const authorization = await startFlow(page);
      tamper(authorization);
      await page.goto(authorization.href);
      await signInAtProvider(page);
      await expect(page).toHaveURL(new RegExp(`/login\\?provider=${problem}`));
      expect((await page.request.get(`${BASE}/api/session`)).status()).toBe(401);
      expect(serverErrors(answers)).toEqual([]);
    });
  }

  test('two tabs start a sign-in each: the first back is told it was replaced, the second signs in', async ({ page }) => {
    const answers = appAnswers(page);
    const first = await startFlow(page);
    const second = await startFlow(page);
    await page.goto(first.href);
    await signInAtProvider(page);
    await expect(page).toHaveURL(/\/login\?provider=expired/);
    await expect(page.getByTestId('provider-problem')).toContainText('started again in another tab');
    // The provider's session answers the second at once, and its flow was left for it.
    await page.goto(second.href);
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    expect(serverErrors(answers)).toEqual([]);
  });

  test('signing out and in again through the provider\'s session does not stand in for "Confirm it\'s you"', async ({ page }) => {
    await page.goto(`${BASE}/login`);
    await signInButton(page).click();
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    await page.waitForTimeout(1_100);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login/);
    await signInButton(page).click();
    await expect(page).toHaveURL(`${BASE}/dashboard`);
    // The new session's proof of presence is the password typed at the provider over a second ago, not this return.
    await page.getByRole('button', { name: /^Sign out other sessions/ }).click();
    await expect(page).toHaveURL(/\/confirm\?then=sign-out-others/);
  });

  test('a confirmation started from a link elsewhere goes to the page that names what it does, with no flow', async ({ page }) => {
    await page.goto(`${BASE}/login`);
    await signInButton(page).click();
    await signInAtProvider(page);
    for (const site of ['none', 'cross-site']) {
      const answer = await page.request.get(`${BASE}/api/oidc/login?purpose=confirm&then=sign-out-others&returnTo=/dashboard`, { maxRedirects: 0, headers: { 'sec-fetch-site': site } });
      expect(answer.status(), site).toBe(303);
      expect(new URL(answer.headers().location ?? '', BASE).pathname, site).toMatch(/^\/(confirm|login)$/);
      expect(answer.headers()['set-cookie'], site).toBeUndefined();
    }
  });

  test('a code used twice, or a callback without a flow of this browser\'s: refused, nobody signed in, 0 × 5xx', async ({ page, browser }) => {
    const answers = appAnswers(page);
    await page.goto(`${BASE}/login`);
    const callback = page.waitForRequest((request) => request.url().startsWith(`${BASE}/api/oidc/callback`));
    await signInButton(page).click();
    await signInAtProvider(page);
    const used = new URL((await callback).url());
    await expect(page).toHaveURL(`${BASE}/dashboard`);

    // The same callback again: its flow was used up with it.
    await page.goto(used.href);
    await expect(page).toHaveURL(/\/login\?provider=expired/);
    // The used code with a new flow's state: the provider refuses to redeem it twice.
    const fresh = await startFlow(page);
    const replay = new URL(used.href);
    replay.searchParams.set('state', fresh.searchParams.get('state') ?? '');
    await page.goto(replay.href);
    await expect(page).toHaveURL(/\/login\?provider=failed/);
    // Another browser, with the whole callback URL and no flow: nothing.
    const other = await browser.newPage();
    await other.goto(used.href);
    await expect(other).toHaveURL(/\/login\?provider=expired/);
    expect((await other.request.get(`${BASE}/api/session`)).status()).toBe(401);
    await other.close();
    expect(serverErrors(answers)).toEqual([]);
  });

  test('a forged Host changes nothing the provider is told: the redirect URI names the app\'s own origin', async () => {
    const answer = await new Promise<{ status?: number; location?: string }>((resolve, reject) => {
      const sent = request(`${BASE}/api/oidc/login?returnTo=/dashboard`, { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } }, (response) => {
        response.resume();
        resolve({ status: response.statusCode, location: response.headers.location });
      });
      sent.on('error', reject);
      sent.end();
    });
    expect(answer.status).toBe(303);
    const authorization = new URL(answer.location ?? '');
    expect(authorization.origin).toBe(new URL(provider.issuer).origin);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${BASE}/api/oidc/callback`);
  });

  test('a sign-in through the provider started from another site starts no flow: the browser lands on the login page', async ({ page }) => {
    const answer = await page.request.get(`${BASE}/api/oidc/login?returnTo=/dashboard`, { maxRedirects: 0, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(answer.status()).toBe(303);
    expect(answer.headers().location).toBe(`${BASE}/login?returnTo=%2Fdashboard`);
    expect(answer.headers()['set-cookie']).toBeUndefined();
  });

  test('the provider down at sign-in: the login page says it cannot be reached, 0 × 5xx', async ({ page }) => {
    const answers = appAnswers(page);
    await provider.stop();
    // Past the second in which a sign-in reuses the last read of the provider's discovery document.
    await page.waitForTimeout(1_100);
    await page.goto(`${BASE}/login`);
    await signInButton(page).click();
    await expect(page).toHaveURL(/\/login\?provider=unreachable/);
    await expect(page.getByTestId('provider-problem')).toContainText(`${PROVIDER_NAME} cannot be reached`);
    // The password form still works.
    await expect(page.getByLabel('Username')).toBeVisible();
    expect(serverErrors(answers)).toEqual([]);
  });
});

// A provider that ignores max_age (some do): the app's own check of auth_time is then what refuses an old sign-in.
test.describe('a provider that ignores max_age', () => {
  const port = appPort(34);
  const base = `http://localhost:${port}`;
  let provider: RunningOidcProvider;
  let app: RunningApp;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    ({ provider, app } = await startAppWithProvider(port, { port: oidcProviderPort(1), ignoreMaxAge: true }, {
      SESSION_DB_PATH: dbPath('oidc-ignores-max-age'),
      OIDC_MAX_AGE: '2s',
    }));
  });
  test.afterAll(async () => {
    await app?.stop();
    await provider?.stop();
  });

  test('an ID token whose auth_time is older than asked is refused: not signed in, and the login page says why', async ({ page }) => {
    await page.goto(`${base}/login`);
    await signInButton(page).click();
    await signInAtProvider(page);
    await expect(page).toHaveURL(`${base}/dashboard`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login/);
    // Past max_age (2 s) and the allowance for the clocks (5 s): the provider signs her in again from its session.
    await page.waitForTimeout(7_500);
    await signInButton(page).click();
    await expect(page).toHaveURL(/\/login\?provider=stale/);
    await expect(page.getByTestId('provider-problem')).toContainText(`${PROVIDER_NAME} did not ask for your password`);
    expect((await page.request.get(`${base}/api/session`)).status()).toBe(401);
  });
});

/**
 * A front that passes everything on to the real provider but names itself as the issuer in the discovery document:
 * the app trusts it, and what comes back (the authorization response's `iss`, RFC 9207, and the ID token's) is the
 * real provider's, another issuer's.
 */
async function startIssuerImpostor(upstream: string): Promise<{ issuer: string; close(): Promise<void> }> {
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = request(`${upstream}${incoming.url ?? '/'}`, { method: incoming.method, headers: { ...incoming.headers, host: new URL(upstream).host } }, (answer) => {
      if (!incoming.url?.startsWith('/.well-known/openid-configuration')) {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
        return;
      }
      let body = '';
      answer.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      answer.on('end', () => {
        const document = { ...(JSON.parse(body) as Record<string, unknown>), issuer: impostor };
        outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
      });
    });
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const impostor = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer: impostor, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test.describe('an answer from another issuer than the one set', () => {
  const port = appPort(38);
  const base = `http://localhost:${port}`;
  let provider: RunningOidcProvider;
  let impostor: Awaited<ReturnType<typeof startIssuerImpostor>>;
  let app: RunningApp;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    provider = await startOidcProvider({ port: oidcProviderPort(8), appOrigin: base });
    impostor = await startIssuerImpostor(provider.issuer);
    app = await startApp(port, { SESSION_DB_PATH: dbPath('oidc-another-issuer'), ...appSettingsFor({ ...provider, issuer: impostor.issuer }, PROVIDER_NAME) });
  });
  test.afterAll(async () => {
    await app?.stop();
    await impostor?.close();
    await provider?.stop();
  });

  // openid-client refuses it at the response's `iss`, before the code is redeemed: the ID token's own `iss` is the
  // library's next check, which this front cannot reach on its own.
  test('is refused: nobody is signed in, the login page says it did not work, 0 × 5xx', async ({ page }) => {
    const answers: Response[] = [];
    page.on('response', (response) => void (response.url().startsWith(base) && answers.push(response)));
    const start = await page.request.get(`${base}/api/oidc/login?returnTo=/dashboard`, { maxRedirects: 0 });
    expect(start.status()).toBe(303);
    // The flow goes to the real provider's pages, which the impostor's document names.
    await page.goto(start.headers().location ?? '');
    await signInAtProvider(page);
    await expect(page).toHaveURL(new RegExp(`^${base}/login\\?provider=failed`));
    await expect(page.getByTestId('provider-problem')).toContainText(`Signing in with ${PROVIDER_NAME} did not work`);
    expect((await page.request.get(`${base}/api/session`)).status()).toBe(401);
    expect(answers.filter((answer) => answer.status() >= 500)).toEqual([]);
  });
});
