import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { jar } from '../../../test-support/cookie-jar';
import { ADMIN, DEMO } from '../../../test-support/demo-accounts';
import { verifyDeviceToken } from './device-token';

// One browser's cookie jar, emptied before each test.
vi.mock('next/headers', () => import('../../../test-support/cookie-jar'));

let attemptSignIn: typeof import('./sign-in').attemptSignIn;
let sessionStore: typeof import('../stores').sessionStore;

beforeAll(async () => {
  Object.assign(process.env, {
    SESSION_SECRET: SECRET,
    SESSION_DB_PATH: ':memory:',
    SIGN_IN_MAX_FAILURES_PER_USER: '3',
    SIGN_IN_MAX_FAILURES_PER_ADDRESS: '8',
  });
  ({ attemptSignIn } = await import('./sign-in'));
  ({ sessionStore } = await import('../stores'));
});

const SECRET = 'unit-test-secret-that-is-long-enough-0123';
beforeEach(() => jar.clear());

const client = (address: string) => ({ address, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' });

describe('attemptSignIn', () => {
  it('answers the same for an unknown user and a wrong password', async () => {
    expect(await attemptSignIn({ username: 'nobody', password: 'x', remember: false }, client('10.0.0.1'))).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await attemptSignIn({ username: 'demo', password: 'x', remember: false }, client('10.0.0.1'))).toEqual({ ok: false, reason: 'invalid-credentials' });
  });

  it('starts a new session with a record and a cookie, and forgets the user\'s failures', async () => {
    const result = await attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.0.0.2'));
    expect(result).toMatchObject({ ok: true, value: { authenticated: true, user: { username: 'demo', role: 'user' } } });
    expect(jar.has('session')).toBe(true);
    const [record] = (await sessionStore().listByUser('demo', Date.now(), { offset: 0, limit: 1 })).records;
    expect(record).toMatchObject({ username: 'demo', role: 'user', remember: false, userAgent: expect.stringContaining('Firefox') });
    // demo failed once above: had that been kept, these two would reach the limit of 3.
    for (const address of ['10.0.0.3', '10.0.0.4']) await attemptSignIn({ username: 'demo', password: 'x', remember: false }, client(address));
    expect((await attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.0.0.5'))).ok).toBe(true);
  });

  it('checks exactly as many wrong passwords as the limit when they arrive all at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attemptSignIn({ username: 'racer', password: `x${i}`, remember: false }, client(`10.3.0.${i}`))),
    );
    expect(results.filter((result) => !result.ok && result.reason === 'invalid-credentials')).toHaveLength(3);
    expect(results.filter((result) => !result.ok && result.reason === 'throttled')).toHaveLength(17);
  });

  it('signs in every time when the right password arrives many times at once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => attemptSignIn({ username: ADMIN.username, password: ADMIN.password, remember: false }, client('10.4.0.1'))));
    expect(results.map((result) => result.ok)).toEqual(Array.from({ length: 10 }, () => true));
  });

  it('an attempt one key refuses uses up nothing of the other key\'s budget', async () => {
    for (let i = 0; i < 8; i += 1) await attemptSignIn({ username: `filler-${i}`, password: 'x', remember: false }, client('10.5.0.1'));
    for (let i = 0; i < 5; i += 1) expect(await attemptSignIn({ username: 'demo', password: 'x', remember: false }, client('10.5.0.1'))).toMatchObject({ reason: 'throttled' });
    // Had the refused attempts counted for demo, it would be far past its limit of 3.
    for (const address of ['10.5.0.2', '10.5.0.3']) expect(await attemptSignIn({ username: 'demo', password: 'x', remember: false }, client(address))).toMatchObject({ reason: 'invalid-credentials' });
    expect((await attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.5.0.4'))).ok).toBe(true);
  });

  it('throttles a username after repeated failures, known or not, whatever its case, even with the right password', async () => {
    for (const name of ['admin', 'ghost']) {
      for (let i = 0; i < 3; i += 1) expect((await attemptSignIn({ username: name, password: 'x', remember: false }, client(`10.1.0.${i}`))).ok).toBe(false);
    }
    const blocked = await attemptSignIn({ username: ' ADMIN ', password: ADMIN.password, remember: false }, client('10.1.9.9'));
    expect(blocked).toMatchObject({ ok: false, reason: 'throttled' });
    expect(blocked.ok === false && blocked.reason === 'throttled' && blocked.retryAfterS).toBeGreaterThan(800);
    expect(await attemptSignIn({ username: 'ghost', password: 'x', remember: false }, client('10.1.9.9'))).toMatchObject({ reason: 'throttled' });
  });

  it('writes one throttled event per username and window, however many addresses the refused attempts come from', async () => {
    const username = 'spread-guesser';
    for (const address of ['10.9.0.1', '10.9.0.2', '10.9.0.3']) await attemptSignIn({ username, password: 'x', remember: false }, client(address));
    const since = Date.now();
    for (let i = 0; i < 50; i += 1) {
      expect(await attemptSignIn({ username, password: 'x', remember: false }, client(`10.9.1.${i}`))).toMatchObject({ reason: 'throttled' });
    }
    const { events } = await sessionStore().listEvents({ username, kind: 'sign-in-throttled' }, Date.now(), { offset: 0, limit: 100 });
    expect(events.filter((event) => event.at >= since)).toHaveLength(1);
  });

  it('throttles an address after repeated failures, for every name', async () => {
    for (let i = 0; i < 8; i += 1) await attemptSignIn({ username: `someone-${i}`, password: 'x', remember: false }, client('10.2.0.1'));
    expect(await attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.2.0.1'))).toMatchObject({ reason: 'throttled' });
    expect((await attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.2.0.2'))).ok).toBe(true);
  });
});

describe('attemptSignIn with a device cookie', () => {
  const right = { username: ADMIN.username, password: ADMIN.password, remember: false };
  const wrong = (i: number) => ({ ...right, password: `wrong-${i}` });
  // The tests above locked admin: start where every window they opened has closed.
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 16 * 60_000);
  });
  afterAll(() => vi.useRealTimers());

  it('sets a signed device cookie naming the user who signed in', async () => {
    expect((await attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.6.0.1'))).ok).toBe(true);
    expect(verifyDeviceToken(jar.get('device') ?? '', { current: SECRET }, Date.now())).toMatchObject({ username: 'demo' });
    expect((await attemptSignIn({ username: 'demo', password: 'x', remember: false }, client('10.6.0.1'))).ok).toBe(false);
    expect(verifyDeviceToken(jar.get('device') ?? '', { current: SECRET }, Date.now())).toMatchObject({ username: 'demo' });
  });

  it('lets the browser that signed in before through the username\'s lock, and locks it alone after its own failures', async () => {
    expect((await attemptSignIn(right, client('10.7.0.1'))).ok).toBe(true);
    const device = jar.get('device') ?? '';
    jar.clear();
    for (let i = 0; i < 3; i += 1) await attemptSignIn(wrong(i), client(`10.7.1.${i}`));
    expect(await attemptSignIn(right, client('10.7.2.1'))).toMatchObject({ reason: 'throttled' });

    jar.set('device', device);
    expect((await attemptSignIn(right, client('10.7.2.2'))).ok).toBe(true);
    // It was not the username's lock that lifted.
    jar.clear();
    expect(await attemptSignIn(right, client('10.7.2.3'))).toMatchObject({ reason: 'throttled' });

    jar.set('device', device);
    for (let i = 0; i < 3; i += 1) expect(await attemptSignIn(wrong(i), client('10.7.3.1'))).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await attemptSignIn(right, client('10.7.3.1'))).toMatchObject({ reason: 'throttled' });
  });

  it('gives no way around the lock with another user\'s device cookie', async () => {
    expect((await attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.8.0.1'))).ok).toBe(true);
    // admin is locked for browsers it does not know (above); this one knows demo.
    expect(await attemptSignIn(right, client('10.8.0.1'))).toMatchObject({ reason: 'throttled' });
  });
});

describe('a reservation that is never released', () => {
  // Every window the tests above opened has closed.
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
  });
  afterAll(() => vi.useRealTimers());

  it('holds the user back for RESERVATION_HOLD_MS, not until the window closes', { timeout: 15_000 }, async () => {
    const { RESERVATION_HOLD_MS } = await import('../stores/types');
    for (const address of ['10.11.0.1', '10.11.0.2']) expect(await attemptSignIn({ username: 'demo', password: 'x', remember: false }, client(address))).toMatchObject({ reason: 'invalid-credentials' });
    // A sign-in whose process died during its password check: reserved under the username, never released.
    await sessionStore().reserveAttempt('user:demo', 15 * 60_000, Date.now());
    vi.setSystemTime(Date.now() + RESERVATION_HOLD_MS);
    expect((await attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.11.0.3'))).ok).toBe(true);
  });
});

describe('a password check that outlasts the hold of its reservation', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 4 * 3_600_000);
  });
  afterAll(() => vi.useRealTimers());

  it('is answered when its keys still have room, as if it had just arrived', async () => {
    const { RESERVATION_HOLD_MS } = await import('../stores/types');
    // Admitted, its scrypt on its way; meanwhile its reservation lapses (thousands of checks queued, say).
    const late = attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client('10.13.0.1'));
    await new Promise((resolve) => setImmediate(resolve));
    vi.setSystemTime(Date.now() + RESERVATION_HOLD_MS);
    expect(await late).toMatchObject({ ok: true });
  });

  it('is refused, its answer never told, when the keys filled up meanwhile', async () => {
    const { RESERVATION_HOLD_MS } = await import('../stores/types');
    jar.clear();
    const late = attemptSignIn({ username: 'filled-meanwhile', password: 'a-guess', remember: false }, client('10.13.0.2'));
    await new Promise((resolve) => setImmediate(resolve));
    vi.setSystemTime(Date.now() + RESERVATION_HOLD_MS);
    // Other attempts let in on its lapsed room fail, up to the limit of 3.
    for (let i = 0; i < 3; i += 1) {
      const { resetAt } = await sessionStore().reserveAttempt('user:filled-meanwhile', 15 * 60_000, Date.now());
      await sessionStore().failAttempt('user:filled-meanwhile', resetAt);
    }
    expect(await late).toMatchObject({ ok: false, reason: 'throttled' });
    expect(jar.has('session')).toBe(false);
  });
});

describe('a username typed in another case or width', () => {
  it('signs in as the account it folds to, as its throttle counts it', async () => {
    for (const typed of ['DEMO', ' Demo ', 'ｄｅｍｏ']) {
      expect(await attemptSignIn({ username: typed, password: DEMO.password, remember: false }, client('10.12.0.1'))).toMatchObject({ ok: true, value: { user: { username: 'demo' } } });
    }
  });
});

describe('clientInfo', () => {
  it('takes the address the nearest proxy (or Next itself) saw: the last X-Forwarded-For entry', async () => {
    const { clientInfo } = await import('./sign-in');
    expect(clientInfo(new Headers({ 'x-forwarded-for': '203.0.113.9, 198.51.100.7', 'user-agent': 'curl/8' }))).toEqual({ address: '198.51.100.7', userAgent: 'curl/8' });
    expect(clientInfo(new Headers({ 'x-forwarded-for': '::1' })).address).toBe('::1');
    expect(clientInfo(new Headers()).address).toBe('unknown');
  });
});
