import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { jar } from '../../../test-support/cookie-jar';
import { DEMO } from '../../../test-support/demo-accounts';
import { seal } from '../session/seal';
import { RedisSessionStore } from '../stores/redis';
import { SqliteSessionStore } from '../stores/sqlite';
import { openPostgresStore } from '../../../test-support/postgres-store';
import type { SessionStore } from '../stores/types';

// What requests anyone can send again and again write to the event log, on each store: at most a fixed number of
// events per key and window, whatever the number of requests (docs/event-log.md).

vi.mock('next/headers', () => import('../../../test-support/cookie-jar'));

const SECRET = 'unit-test-secret-for-repeated-requests-0123';
const PREVIOUS = 'the-secret-before-the-rotation-for-repeats-0123';
const LIMIT = 5;
const REQUESTS = 5_000;
const dir = mkdtempSync(join(tmpdir(), 'repeated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let reauth: typeof import('../step-up/reauth');
let signIn: typeof import('../sign-in/sign-in');
let session: typeof import('../session/session');
let provideSessionStore: typeof import('../stores').provideSessionStore;
beforeAll(async () => {
  Object.assign(process.env, {
    SESSION_SECRET: SECRET,
    SESSION_SECRET_PREVIOUS: PREVIOUS,
    SIGN_IN_MAX_FAILURES_PER_USER: String(LIMIT),
    SIGN_IN_MAX_FAILURES_PER_ADDRESS: '100000',
  });
  reauth = await import('../step-up/reauth');
  signIn = await import('../sign-in/sign-in');
  session = await import('../session/session');
  ({ provideSessionStore } = await import('../stores'));
});

const stores: Array<[string, () => SessionStore]> = [
  ['sqlite', () => new SqliteSessionStore(join(dir, `${randomUUID()}.db`))],
  ['redis', () => new RedisSessionStore(`${inject('redisUrl')}/9`)],
  ['postgres', () => openPostgresStore()],
];

/** `count` calls of `call`, 50 at a time. */
async function repeat(count: number, call: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += 50) await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, i) => call(start + i)));
}

const client = { address: '10.60.0.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };

describe.each(stores.map(([name, open], i) => [name, open, i] as const))('requests repeated on %s', (_name, open, i) => {
  let store: SessionStore;
  beforeAll(() => {
    // Each store starts a day after the last, so that no throttle window of the other's is still open.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + (i + 1) * 86_400_000);
    store = open();
    provideSessionStore(store);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await store.close();
  });

  const count = async (username: string, kind: 'reauthentication-failed' | 'resealed' | 'sign-in-throttled', since: number) => {
    const { events } = await store.listEvents({ username, kind }, Date.now(), { offset: 0, limit: 10_000 });
    return events.filter((event) => event.at >= since);
  };

  it(`${REQUESTS} throttled confirmations write one event for the refusal, after the limit's wrong passwords`, { timeout: 120_000 }, async () => {
    jar.clear();
    expect((await signIn.attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client)).ok).toBe(true);
    // Counted under the username, the key anyone who has the cookie can lock.
    for (const name of [...jar.keys()]) if (name.includes('device')) jar.delete(name);
    const since = Date.now();
    await repeat(REQUESTS, () => reauth.confirmPresence('wrong-password', client));
    const events = await count(DEMO.username, 'reauthentication-failed', since);
    expect(events.filter((event) => event.details.reason === 'wrong-password')).toHaveLength(LIMIT);
    expect(events.filter((event) => event.details.reason === 'throttled')).toHaveLength(1);
  });

  it(`${REQUESTS} keep-alives with a cookie of the previous secret, replayed without the new one, write one resealed`, { timeout: 120_000 }, async () => {
    jar.clear();
    const id = randomUUID();
    const now = Date.now();
    await store.create({ id, username: 'demo', role: 'user', createdAt: now, lastActivityAt: now, authenticatedAt: now, expiresAt: now + 30 * 60_000, remember: false, userAgent: 'test' }, 20);
    const old = await seal({ v: 2, sid: id, sub: 'demo', role: 'user', createdAt: now, remember: false }, { current: PREVIOUS }, 12 * 3600);
    const replayed = { get: (name: string) => (name === 'session' ? { value: old } : undefined) };
    await repeat(REQUESTS, async () => expect(await session.keepAlive(0, replayed)).toMatchObject({ ok: true }));
    // Every answer carried the new seal; none was kept.
    expect(jar.get('session')).not.toBe(old);
    expect(await count('demo', 'resealed', now)).toHaveLength(1);
  });

  it('a throttled name typed in another case or width is written under the account\'s name', { timeout: 60_000 }, async () => {
    const since = Date.now();
    for (let attempt = 0; attempt <= LIMIT; attempt += 1) await signIn.attemptSignIn({ username: attempt % 2 ? ' ADMIN ' : 'ａｄｍｉｎ', password: 'x', remember: false }, client);
    expect((await count('admin', 'sign-in-throttled', since)).map((event) => event.username)).toEqual(['admin']);
  });

  it('a name cut at 100 characters after NFKC is cut between characters, and its event is stored', { timeout: 60_000 }, async () => {
    // 'ﬁ' becomes 'fi' under NFKC: 49 of them and an 'a' are 99 characters, and the emoji's pair of surrogates would
    // be split by a cut at 100 UTF-16 units.
    const typed = `${'ﬁ'.repeat(49)}a😀`;
    const since = Date.now();
    for (let attempt = 0; attempt <= LIMIT; attempt += 1) await signIn.attemptSignIn({ username: typed, password: 'x', remember: false }, client);
    const name = `${'fi'.repeat(49)}a`;
    const events = await count(name, 'sign-in-throttled', since);
    expect(events.map((event) => [event.username, event.username.isWellFormed()])).toEqual([[name, true]]);
  });
});
