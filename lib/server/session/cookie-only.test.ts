import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { jar } from '../../../test-support/cookie-jar';
import { ADMIN, DEMO } from '../../../test-support/demo-accounts';
import { seal, unsealSession } from './seal';

// SESSION_STORE=cookie: no store at all, only the browser's cookie jar.
vi.mock('next/headers', () => import('../../../test-support/cookie-jar'));

const SECRET = 'unit-test-secret-for-the-stateless-mode-01';
const IDLE_MS = 30 * 60_000;
let session: typeof import('./session');
let attemptSignIn: typeof import('../sign-in/sign-in').attemptSignIn;

beforeAll(async () => {
  Object.assign(process.env, { SESSION_SECRET: SECRET, SESSION_STORE: 'cookie', SESSION_IDLE_TIMEOUT: '30m', SIGN_IN_MAX_FAILURES_PER_USER: '3' });
  session = await import('./session');
  ({ attemptSignIn } = await import('../sign-in/sign-in'));
});
beforeEach(() => {
  jar.clear();
  // Date alone, and held still: a scrypt's time must not move the deadlines under test.
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => vi.useRealTimers());

const client = (address: string) => ({ address, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' });
const cookieJar = (value: string | undefined) => ({ get: (name: string) => (name === 'session' && value ? { value } : undefined) });
const lastActivityIn = async (value: string | undefined) => {
  const read = value ? await unsealSession(value, { current: SECRET }, 12 * 3600) : undefined;
  return read?.ok ? read.value.session.lastActivityAt : undefined;
};

async function signIn(username: string = DEMO.username, password: string = DEMO.password): Promise<string> {
  const result = await attemptSignIn({ username, password, remember: false }, client(`10.9.${Math.floor(Math.random() * 250)}.1`));
  expect(result.ok).toBe(true);
  return jar.get('session') ?? '';
}

describe('SESSION_STORE=cookie', () => {
  it('seals the last activity into the cookie and checks the idle deadline from it, to the millisecond', async () => {
    const signedInAt = Date.now();
    const cookie = await signIn();
    expect(await lastActivityIn(cookie)).toBe(signedInAt);
    vi.setSystemTime(signedInAt + IDLE_MS - 1);
    expect(await session.readSession(cookieJar(cookie))).toMatchObject({ ok: true });
    vi.setSystemTime(signedInAt + IDLE_MS);
    expect(await session.readSession(cookieJar(cookie))).toEqual({ ok: false, reason: 'idle' });
  });

  it('a sign-out at the idle deadline writes idle, as a record would; a moment before, signed-out', async () => {
    const kinds: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = String(chunk);
      if (text.startsWith('{"sessionEvent"')) kinds.push((JSON.parse(text) as { sessionEvent: { kind: string } }).sessionEvent.kind);
      return true;
    });
    try {
      const signedInAt = Date.now();
      const late = await signIn();
      const early = await signIn();
      kinds.length = 0;
      vi.setSystemTime(signedInAt + IDLE_MS - 1);
      await session.signOut(cookieJar(early));
      vi.setSystemTime(signedInAt + IDLE_MS);
      await session.signOut(cookieJar(late));
    } finally {
      spy.mockRestore();
    }
    expect(kinds).toEqual(['signed-out', 'idle']);
  });

  it('a status check never extends the session; a keep-alive reseals it with the moved last activity', async () => {
    const signedInAt = Date.now();
    const cookie = await signIn();
    vi.setSystemTime(signedInAt + 20 * 60_000);
    await session.readSession(cookieJar(cookie));
    expect(jar.get('session')).toBe(cookie);
    const kept = await session.keepAlive(60_000, cookieJar(cookie));
    expect(kept).toMatchObject({ ok: true, value: { idleExpiresInMs: IDLE_MS - 60_000 } });
    const resealed = jar.get('session');
    expect(resealed).not.toBe(cookie);
    expect(await lastActivityIn(resealed)).toBe(signedInAt + 19 * 60_000);
    vi.setSystemTime(signedInAt + 40 * 60_000);
    expect(await session.readSession(cookieJar(resealed))).toMatchObject({ ok: true });
    expect(await session.readSession(cookieJar(cookie))).toEqual({ ok: false, reason: 'idle' });
  });

  it('the absolute deadline holds however often the cookie is resealed', async () => {
    const signedInAt = Date.now();
    let cookie = await signIn(ADMIN.username, ADMIN.password);
    for (let hour = 1; hour <= 12; hour += 1) {
      vi.setSystemTime(signedInAt + hour * 3_600_000 - 1);
      const kept = await session.keepAlive(0, cookieJar(cookie));
      if (hour < 12) expect(kept.ok).toBe(true);
      cookie = jar.get('session') ?? '';
    }
    vi.setSystemTime(signedInAt + 12 * 3_600_000);
    expect(await session.readSession(cookieJar(cookie))).toEqual({ ok: false, reason: 'absolute' });
  });

  // The mode's known properties, pinned so that nobody mistakes them for a bug or for a feature: without a record
  // nothing on the server can tell a copy of the cookie from the cookie itself.
  it('known property: a copy of the cookie replayed after sign-out works until its idle deadline, then reads idle', async () => {
    const signedInAt = Date.now();
    const copy = await signIn();
    await session.signOut(cookieJar(jar.get('session')));
    expect(jar.has('session')).toBe(false);
    vi.setSystemTime(signedInAt + IDLE_MS - 1);
    expect(await session.readSession(cookieJar(copy))).toMatchObject({ ok: true, value: { session: { username: 'demo' } } });
    vi.setSystemTime(signedInAt + IDLE_MS);
    expect(await session.readSession(cookieJar(copy))).toEqual({ ok: false, reason: 'idle' });
  });

  it('known property: whoever holds such a copy can keep it alive with keep-alives until the absolute deadline', async () => {
    const signedInAt = Date.now();
    let copy = await signIn();
    await session.signOut(cookieJar(jar.get('session')));
    // The holder reports activity every 25 minutes, as the page would, resealing the copy each time.
    let at = signedInAt;
    while (at + 25 * 60_000 < signedInAt + 12 * 3_600_000) {
      at += 25 * 60_000;
      vi.setSystemTime(at);
      expect(await session.keepAlive(0, cookieJar(copy)), `at ${(at - signedInAt) / 60_000} minutes`).toMatchObject({ ok: true });
      copy = jar.get('session') ?? '';
    }
    // Long past the idle lifetime after the sign-out, and still signed in, until the absolute deadline ends it.
    expect(at - signedInAt).toBeGreaterThan(11 * 3_600_000);
    expect(await session.readSession(cookieJar(copy))).toMatchObject({ ok: true });
    vi.setSystemTime(signedInAt + 12 * 3_600_000);
    expect(await session.keepAlive(0, cookieJar(copy))).toEqual({ ok: false, reason: 'absolute' });
  });

  it('known property: signing in again does not end the session the browser held before', async () => {
    const first = await signIn();
    await signIn();
    expect(await session.readSession(cookieJar(first))).toMatchObject({ ok: true });
  });

  it('refuses a cookie of the record-backed modes, which names a record this mode does not have', async () => {
    const now = Date.now();
    const recordCookie = await seal({ v: 2, sid: randomUUID(), sub: 'demo', role: 'user', createdAt: now, remember: false }, { current: SECRET }, 12 * 3600);
    expect(await session.readSession(cookieJar(recordCookie))).toEqual({ ok: false, reason: 'invalid' });
    const noActivity = await seal({ v: 3, sid: randomUUID(), sub: 'demo', role: 'user', createdAt: now, remember: false }, { current: SECRET }, 12 * 3600);
    expect(await session.readSession(cookieJar(noActivity))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('throttles sign-in with counters in the process: wrong passwords at once get exactly the limit of checks', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attemptSignIn({ username: 'stateless-racer', password: `x${i}`, remember: false }, client(`10.8.0.${i}`))));
    expect(results.filter((result) => !result.ok && result.reason === 'invalid-credentials')).toHaveLength(3);
    expect(results.filter((result) => !result.ok && result.reason === 'throttled')).toHaveLength(17);
  });
});
