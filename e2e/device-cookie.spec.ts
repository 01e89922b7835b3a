import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext } from '@playwright/test';
import { signDeviceToken } from '../lib/server/sign-in/device-token';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { ADMIN, DEMO, expect, test } from './fixtures';
import { LoginPage } from './pages/login-page';
import type { Account } from '../test-support/demo-accounts';
import { dbPath, TEST_SECRET } from '../test-support/servers';
import { signInOverHttp, signInRequest } from '../test-support/sign-in';

// OWASP's device cookie: anyone can lock a username by guessing at it, but a browser that signed in as
// that user before keeps signing in. These tests lock usernames, so they get a server of their own.
const PORT = appPort(42);
const BASE = `http://localhost:${PORT}`;
const DB = dbPath(`device-cookie-${Date.now()}`);
const LIMITS = { SIGN_IN_MAX_FAILURES_PER_USER: '3', SIGN_IN_MAX_FAILURES_PER_ADDRESS: '10', SIGN_IN_THROTTLE_WINDOW: '10m' };
const DEVICE = '__Host-device';
const YEAR_S = 365 * 24 * 3600;

let addresses = 0;
/** A client address no other request of this run used: the per-address limit stays out of the way. */
const freshAddress = () => `198.51.100.${(addresses += 1)}`;

/** The status of a sign-in over HTTP with `cookie` as its device cookie, from a fresh address unless told otherwise. */
async function signInStatus(account: Account, { cookie, address = freshAddress() }: { cookie?: string; address?: string } = {}) {
  return (await signInOverHttp(BASE, account, { address, ...(cookie === undefined ? {} : { cookie: `${DEVICE}=${cookie}` }) })).status;
}

/** An attacker who knows the username: wrong passwords from many addresses at once, until it is locked. */
async function lock(username: string) {
  const codes = await Promise.all(Array.from({ length: 8 }, (_, i) => signInStatus({ username, password: `guess-${i}` })));
  expect(codes.filter((code) => code === 401)).toHaveLength(3);
  expect(await signInStatus({ username, password: username === DEMO.username ? DEMO.password : ADMIN.password })).toBe(429);
}

/** A browser of its own, on its own address, that signs in through the login form (the server action). */
async function browserSignedIn(browser: Browser, account: Account, address = freshAddress()): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: BASE, extraHTTPHeaders: { 'X-Forwarded-For': address } });
  const page = await context.newPage();
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(account.username, account.password);
  await expect(page).toHaveURL('/dashboard');
  return context;
}

async function deviceCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === DEVICE);
  if (!cookie) throw new Error('no device cookie');
  return cookie.value;
}

test.describe('the device cookie', () => {
  test.describe.configure({ mode: 'serial', timeout: 60_000 });
  let app: RunningApp;
  // Genuine cookies, taken before any username is locked.
  let demoCookie = '';
  let adminCookie = '';

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    app = await startApp(PORT, { SESSION_DB_PATH: DB, ...LIMITS });
  });
  test.afterAll(async () => app?.stop());

  test('a sign-in sets it, signed, HttpOnly, Secure, SameSite=Strict, for a year: by the form and by the JSON endpoint', async ({ browser }) => {
    const form = await browserSignedIn(browser, DEMO);
    const json = await browser.newContext({ baseURL: BASE, extraHTTPHeaders: { 'X-Forwarded-For': freshAddress() } });
    expect((await json.request.post('/api/session', signInRequest(ADMIN))).status()).toBe(200);
    for (const context of [form, json]) {
      const cookie = (await context.cookies()).find((c) => c.name === DEVICE);
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
      expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000 + YEAR_S - 3600);
      expect(cookie?.expires).toBeLessThan(Date.now() / 1000 + YEAR_S + 3600);
    }
    demoCookie = await deviceCookie(form);
    adminCookie = await deviceCookie(json);
    await Promise.all([form.close(), json.close()]);
  });

  test('the per-address limit holds for a browser with the device cookie too', async ({ browser }) => {
    const address = freshAddress();
    const context = await browserSignedIn(browser, ADMIN, address);
    for (let i = 0; i < 10; i += 1) expect(await signInStatus({ username: `stranger-${i}`, password: 'x' }, { address })).toBe(401);
    expect((await context.request.post('/api/session', signInRequest(ADMIN))).status()).toBe(429);
    await context.close();
  });

  test('the attacker stays throttled, while the browser that signed in before signs in with the right password', async ({ browser }) => {
    const user = await browserSignedIn(browser, DEMO);
    expect((await user.request.delete('/api/session')).status()).toBe(200);
    await lock(DEMO.username);

    // Through the form, as the user would, and through the JSON endpoint.
    const page = await user.newPage();
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(DEMO.username, DEMO.password);
    await expect(page).toHaveURL('/dashboard');
    expect((await user.request.post('/api/session', signInRequest(DEMO))).status()).toBe(200);

    // The user's sign-ins did not unlock the username for everyone else.
    expect(await signInStatus(DEMO)).toBe(429);
    expect(await signInStatus({ username: DEMO.username, password: 'another-guess' })).toBe(429);
    await user.close();
  });

  test('a trusted browser\'s failures count against its own cookie: past the limit it is throttled, other trusted browsers are not', async ({ browser }) => {
    const careless = await browserSignedIn(browser, ADMIN);
    const other = await browserSignedIn(browser, ADMIN);
    await lock(ADMIN.username);
    for (let i = 0; i < 3; i += 1) expect((await careless.request.post('/api/session', signInRequest({ ...ADMIN, password: `typo-${i}` }))).status()).toBe(401);
    expect((await careless.request.post('/api/session', signInRequest(ADMIN))).status()).toBe(429);
    expect((await other.request.post('/api/session', signInRequest(ADMIN))).status()).toBe(200);
    await Promise.all([careless.close(), other.close()]);
  });

  test('no way around the lock without a genuine cookie for that user: none, tampered, another user\'s, expired, forged', async () => {
    // demo and admin are locked above.
    const genuine = demoCookie;
    const [version, name, id, expires, signature] = genuine.split('.');
    const flip = (text = '') => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    const year = Date.now() + YEAR_S * 1000;
    const hostile: Record<string, string | undefined> = {
      none: undefined,
      'another id': [version, name, flip(id), expires, signature].join('.'),
      'a later expiry': [version, name, id, String(Number(expires) + 1), signature].join('.'),
      'a flipped signature': [version, name, id, expires, flip(signature)].join('.'),
      truncated: genuine.slice(0, -1),
      'with bytes appended': `${genuine}A`,
      "admin's, for demo": adminCookie,
      "admin's, renamed to demo": [version, name, ...adminCookie.split('.').slice(2)].join('.'),
      expired: signDeviceToken({ username: DEMO.username, id: randomBytes(16).toString('base64url'), expiresAt: Date.now() - 1_000 }, TEST_SECRET),
      'signed with another secret': signDeviceToken({ username: DEMO.username, id: randomBytes(16).toString('base64url'), expiresAt: year }, 'another-secret-that-is-long-enough-0123456789'),
      'empty': '',
      'of 4 KiB': 'd1.'.padEnd(4096, 'A'),
    };
    for (const [what, cookie] of Object.entries(hostile)) {
      expect(await signInStatus(DEMO, cookie === undefined ? {} : { cookie }), `a device cookie: ${what}`).toBe(429);
    }
    // The same request with the genuine cookie gets through: the refusals above are the cookie's doing.
    expect(await signInStatus(DEMO, { cookie: genuine })).toBe(200);
  });

  test('a cookie signed before the secret was rotated still counts', async () => {
    await app.stop();
    app = await startApp(PORT, { SESSION_DB_PATH: DB, ...LIMITS, SESSION_SECRET: 'rotated-secret-that-is-long-enough-0123456789', SESSION_SECRET_PREVIOUS: TEST_SECRET });
    // demo is still locked: the counters are in the database.
    expect(await signInStatus(DEMO)).toBe(429);
    expect(await signInStatus(DEMO, { cookie: demoCookie })).toBe(200);
  });
});
