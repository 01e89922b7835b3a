import { appPort, startApp } from '../../test-support/app-server';
import { appSettingsFor, oidcProviderPort, startOidcProvider } from '../../test-support/oidc-provider';
import { dbPath } from '../../test-support/servers';
import { expect, test } from './fixtures';
import { DashboardScreen } from './pages/dashboard-screen';
import { startTlsFront } from './tls-front';

// Signing in through the OpenID provider, and its back-channel logout, in each engine's own browser: an app and a
// provider of the engine's own (its ports by project, so the engines run side by side). WebKit reaches the app over
// https, as everywhere in these suites: the app is told that origin (OIDC_APP_ORIGIN), as it would be behind any proxy,
// and the provider posts its logout tokens to the app itself, behind the front.
const PROVIDER_NAME = 'Example ID';
const ALICE = { username: 'alice', password: 'alice-password', sub: '248289761001' };
const SIGN_IN_MS = 15_000;
const LEAVE_MS = 2_000;
const PORTS: Record<string, { app: number; provider: number }> = {
  'firefox-esr': { app: 37, provider: 4 },
  firefox: { app: 37, provider: 4 },
  webkitgtk: { app: 38, provider: 5 },
  webkit: { app: 38, provider: 5 },
  'chromium-engines': { app: 39, provider: 6 },
};

test.describe.configure({ timeout: 90_000 });

test('signing in through the provider, then its back-channel logout: the screen is on the login page within 2 s, saying why', async ({ open, engine }, testInfo) => {
  const ports = PORTS[testInfo.project.name];
  if (!ports) throw new Error(`no ports for the project ${testInfo.project.name}`);
  const appUrl = `http://localhost:${appPort(ports.app)}`;
  const front = engine.baseURL.startsWith('https:') ? await startTlsFront('openssl', new URL(appUrl)) : undefined;
  const origin = front?.url ?? appUrl;
  const provider = await startOidcProvider({ port: oidcProviderPort(ports.provider), appOrigin: origin, backchannelOrigin: appUrl });
  const app = await startApp(appPort(ports.app), {
    SESSION_DB_PATH: dbPath(`oidc-${testInfo.project.name}`),
    ...appSettingsFor(provider, PROVIDER_NAME),
    // The origin the browser reaches the app at, behind WebKit's https front: the provider's addresses are built on it.
    OIDC_APP_ORIGIN: origin,
  });
  try {
    const tab = await (await open()).newTab();
    await tab.goto(`${origin}/login`);
    await tab.click({ role: 'button', name: `Sign in with ${PROVIDER_NAME}` });
    // The provider's sign-in page, once its authorization endpoint has sent the browser on to it.
    await expect.poll(async () => tab.evaluate(`document.querySelector('h1')?.textContent ?? ''`), { timeout: SIGN_IN_MS }).toBe(PROVIDER_NAME);
    await tab.type('Username', ALICE.username);
    await tab.type('Password', ALICE.password);
    await tab.click({ role: 'button', name: 'Continue' });
    const screen = new DashboardScreen(tab);
    await expect.poll(async () => (await tab.url()).href, { timeout: SIGN_IN_MS }).toBe(`${origin}/dashboard`);
    await expect.poll(screen.streaming, { timeout: SIGN_IN_MS }).toBe(true);

    // What the provider sends when alice signs out there, or its administrator ends her session.
    await provider.backchannelLogout(ALICE.sub);
    await expect.poll(() => screen.path(), { timeout: LEAVE_MS }).toMatch(/^\/login\?reason=signed-out-at-provider(&|$)/);
    await expect.poll(() => tab.evaluate(`document.querySelector('[data-testid="signed-out-reason"]')?.textContent ?? ''`)).toContain(`Your sign-in at ${PROVIDER_NAME} ended there`);
  } finally {
    await app.stop();
    await provider.stop();
    await front?.close();
  }
});
