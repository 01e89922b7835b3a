import { beforeAll, describe, expect, it, vi } from 'vitest';

// A cookie jar standing in for Next's request cookies; sign-in only sets one.
const jar = new Map<string, string>();
vi.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
    set: (name: string, value: string) => jar.set(name, value),
  }),
}));

let attemptSignIn: typeof import('./sign-in').attemptSignIn;
let sessionStore: typeof import('./session-store').sessionStore;

beforeAll(async () => {
  Object.assign(process.env, {
    SESSION_SECRET: 'unit-test-secret-that-is-long-enough-0123',
    SESSION_DB_PATH: ':memory:',
    SIGN_IN_MAX_FAILURES_PER_USER: '3',
    SIGN_IN_MAX_FAILURES_PER_ADDRESS: '8',
  });
  ({ attemptSignIn } = await import('./sign-in'));
  ({ sessionStore } = await import('./session-store'));
});

const client = (address: string) => ({ address, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' });

describe('attemptSignIn', () => {
  it('answers the same for an unknown user and a wrong password', async () => {
    expect(await attemptSignIn({ username: 'nobody', password: 'x', remember: false }, client('10.0.0.1'))).toEqual({ ok: false, kind: 'invalid-credentials' });
    expect(await attemptSignIn({ username: 'demo', password: 'x', remember: false }, client('10.0.0.1'))).toEqual({ ok: false, kind: 'invalid-credentials' });
  });

  it('starts a new session with a record and a cookie, and forgets the user\'s failures', async () => {
    jar.clear();
    const result = await attemptSignIn({ username: 'demo', password: 'demo-password', remember: false }, client('10.0.0.2'));
    expect(result).toMatchObject({ ok: true, status: { authenticated: true, user: { username: 'demo', role: 'user' } } });
    expect(jar.size).toBe(1);
    const [record] = (await sessionStore().listByUser('demo', Date.now(), { offset: 0, limit: 1 })).records;
    expect(record).toMatchObject({ username: 'demo', role: 'user', remember: false, userAgent: expect.stringContaining('Firefox') });
    expect((await sessionStore().failures('user:demo', Date.now())).count).toBe(0);
  });

  it('throttles a username after repeated failures, known or not, whatever its case, even with the right password', async () => {
    for (const name of ['admin', 'ghost']) {
      for (let i = 0; i < 3; i += 1) expect((await attemptSignIn({ username: name, password: 'x', remember: false }, client(`10.1.0.${i}`))).ok).toBe(false);
    }
    const blocked = await attemptSignIn({ username: ' ADMIN ', password: 'admin-password', remember: false }, client('10.1.9.9'));
    expect(blocked).toMatchObject({ ok: false, kind: 'throttled' });
    expect(blocked.ok === false && blocked.kind === 'throttled' && blocked.retryAfterS).toBeGreaterThan(800);
    expect(await attemptSignIn({ username: 'ghost', password: 'x', remember: false }, client('10.1.9.9'))).toMatchObject({ kind: 'throttled' });
  });

  it('throttles an address after repeated failures, for every name', async () => {
    for (let i = 0; i < 8; i += 1) await attemptSignIn({ username: `someone-${i}`, password: 'x', remember: false }, client('10.2.0.1'));
    expect(await attemptSignIn({ username: 'demo', password: 'demo-password', remember: false }, client('10.2.0.1'))).toMatchObject({ kind: 'throttled' });
    expect((await attemptSignIn({ username: 'demo', password: 'demo-password', remember: false }, client('10.2.0.2'))).ok).toBe(true);
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
