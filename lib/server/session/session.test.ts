import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { seal } from './seal';
import { RedisSessionStore } from '../stores/redis';
import { SqliteSessionStore } from '../stores/sqlite';
import { openPostgresStore } from '../../../test-support/postgres-store';
import type { SessionStore } from '../stores/types';

// The session layer against real stores, each wrapped so that a step can be timed to open a race window.
vi.mock('next/headers', () => import('../../../test-support/cookie-jar'));
const SECRET = 'unit-test-secret-for-the-session-layer-0123';
const IDLE_MS = 30 * 60_000;
const dir = mkdtempSync(join(tmpdir(), 'session-layer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let session: typeof import('./session');
let provideSessionStore: typeof import('../stores').provideSessionStore;
beforeAll(async () => {
  Object.assign(process.env, { SESSION_SECRET: SECRET, SESSION_IDLE_TIMEOUT: '30m' });
  session = await import('./session');
  ({ provideSessionStore } = await import('../stores'));
});
afterEach(() => {
  vi.useRealTimers();
});

const stores: Array<[string, () => SessionStore]> = [
  ['sqlite', () => new SqliteSessionStore(join(dir, `${randomUUID()}.db`))],
  // A database of its own on the suite's Redis: the ids are random, so nothing collides.
  ['redis', () => new RedisSessionStore(`${inject('redisUrl')}/2`)],
  ['postgres', () => openPostgresStore()],
];

/** `real` with some of its steps replaced; every other method runs on the real store. */
function wrapped(real: SessionStore, steps: Partial<SessionStore>): SessionStore {
  return Object.assign(Object.create(real) as SessionStore, steps);
}

/** A signed-in demo user: a record straight in the store and the cookie jar a route handler would read it from. */
async function signedIn(store: SessionStore, lastActivityAt: number) {
  const id = randomUUID();
  const createdAt = lastActivityAt;
  await store.create({ id, username: 'demo', role: 'user', createdAt, lastActivityAt, authenticatedAt: createdAt, expiresAt: lastActivityAt + IDLE_MS, remember: false, userAgent: 'test' }, 20);
  const value = await seal({ v: 2, sid: id, sub: 'demo', role: 'user', createdAt, remember: false }, { current: SECRET }, 12 * 3600);
  return { id, jar: { get: (name: string) => (name === 'session' ? { value } : undefined) } };
}

describe.each(stores)('keepAlive on %s', (_name, open) => {
  it('answers signed out when the session is signed out just before the touch reaches the store', async () => {
    const real = open();
    const signedInAt = Date.now() - 60_000;
    const user = await signedIn(real, signedInAt);
    // The record ends just before the keep-alive's write reaches the store, as a sign-out in another request would.
    const touch: SessionStore['touch'] = async (...args) => {
      await real.end(user.id, 'signed-out', Date.now());
      return real.touch(...args);
    };
    provideSessionStore(wrapped(real, { touch }));
    expect(await session.keepAlive(0, user.jar)).toEqual({ ok: false, reason: 'signed-out' });
    expect(await real.get(user.id)).toMatchObject({ endReason: 'signed-out', lastActivityAt: signedInAt });
    await real.close();
  });

  it('is one store round trip: the touch, with no read before it', async () => {
    const real = open();
    const user = await signedIn(real, Date.now() - 60_000);
    const calls: string[] = [];
    const get: SessionStore['get'] = async (...args) => (calls.push('get'), real.get(...args));
    const touch: SessionStore['touch'] = async (...args) => (calls.push('touch'), real.touch(...args));
    provideSessionStore(wrapped(real, { get, touch }));
    expect(await session.keepAlive(0, user.jar)).toMatchObject({ ok: true });
    expect(calls).toEqual(['touch']);
    await real.close();
  });

  it('does not extend a session whose idle deadline passed a millisecond before the keep-alive', async () => {
    const real = open();
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    // The deadline is 1 ms after `start`; the cookie was verified at `start`, the keep-alive comes at `start + 2`.
    // The session ends at its deadline, as the sweep would end it, not at the keep-alive that found it over.
    const user = await signedIn(real, start - IDLE_MS + 1);
    provideSessionStore(real);
    expect(await session.readSession(user.jar)).toMatchObject({ ok: true });
    vi.setSystemTime(start + 2);
    expect(await session.keepAlive(0, user.jar)).toEqual({ ok: false, reason: 'idle' });
    expect(await real.get(user.id)).toMatchObject({ endReason: 'idle', endedAt: start + 1, expiresAt: start + 1, lastActivityAt: start - IDLE_MS + 1 });
    await real.close();
  });

  it('counts the expiry the store holds as the end, even where the lifetimes in force would allow more', async () => {
    const real = open();
    provideSessionStore(real);
    // Last active a minute ago, but given an expiry a second ago (as under a shorter idle lifetime before a restart).
    const now = Date.now();
    const id = randomUUID();
    await real.create({ id, username: 'demo', role: 'user', createdAt: now - 60_000, lastActivityAt: now - 60_000, authenticatedAt: now - 60_000, expiresAt: now - 1_000, remember: false, userAgent: 'test' }, 20);
    const value = await seal({ v: 2, sid: id, sub: 'demo', role: 'user', createdAt: now - 60_000, remember: false }, { current: SECRET }, 12 * 3600);
    const jar = { get: (name: string) => (name === 'session' ? { value } : undefined) };
    expect(await session.readSession(jar)).toEqual({ ok: false, reason: 'idle' });
    expect(await session.keepAlive(0, jar)).toEqual({ ok: false, reason: 'idle' });
    await real.close();
  });

  it('extends a session that is alive when the touch reaches the store', async () => {
    const real = open();
    provideSessionStore(real);
    const user = await signedIn(real, Date.now() - 60_000);
    const answer = await session.keepAlive(0, user.jar);
    expect(answer).toMatchObject({ ok: true, value: { authenticated: true, idleExpiresInMs: IDLE_MS } });
    expect((await real.get(user.id))?.endReason).toBeUndefined();
    await real.close();
  });
});

/**
 * A session whose expiry passes 1 ms after `start`, met by this instance at `start + 2`, in a store where another
 * instance's keep-alive, stamped `start` with last activity `othersActivity(start)`, lands right after this
 * instance's first `step`: inside the window between that step and the `lapse` that would end the record.
 */
async function racedJustPastExpiry(open: () => SessionStore, step: 'get' | 'touch', othersActivity: (start: number) => number) {
  const real = open();
  vi.useFakeTimers({ toFake: ['Date'] });
  const start = Date.now();
  const user = await signedIn(real, start - IDLE_MS + 1);
  let raced = false;
  const thenRace = async <T>(answer: Promise<T>): Promise<T> => {
    const value = await answer;
    if (!raced) {
      raced = true;
      await real.touch(user.id, othersActivity(start), start + IDLE_MS, start, 'demo');
    }
    return value;
  };
  const steps: Partial<SessionStore> =
    step === 'get'
      ? { get: (...args: Parameters<SessionStore['get']>) => thenRace(real.get(...args)) }
      : { touch: (...args: Parameters<SessionStore['touch']>) => thenRace(real.touch(...args)) };
  provideSessionStore(wrapped(real, steps));
  vi.setSystemTime(start + 2);
  return { real, user, start };
}

describe.each(stores)('readSession on %s', (_name, open) => {
  it('answers active, and ends nothing, when a keep-alive from another process extends the record it read just past its deadline', async () => {
    // The other keep-alive reports activity at `start` and slides the expiry half an hour on.
    const { real, user, start } = await racedJustPastExpiry(open, 'get', (start) => start);
    expect(await session.readSession(user.jar)).toMatchObject({ ok: true, value: { session: { lastActivityAt: start } } });
    expect(await real.get(user.id)).toMatchObject({ expiresAt: start + IDLE_MS });
    expect((await real.get(user.id))?.endReason).toBeUndefined();
    await real.close();
  });

  it('ends the record now when the keep-alive that extended it meanwhile came from an instance with a longer idle lifetime', async () => {
    // An instance allowing an hour of idleness slides the expiry on, for the same last activity: here, with half
    // an hour, the session is over, and ends at this read rather than living on in the store until that expiry.
    const { real, user, start } = await racedJustPastExpiry(open, 'get', (start) => start - IDLE_MS + 1);
    expect(await session.readSession(user.jar)).toEqual({ ok: false, reason: 'idle' });
    expect(await real.get(user.id)).toMatchObject({ endReason: 'idle', endedAt: start + 2 });
    await real.close();
  });

  it("answers active, and writes its own activity, when its touch is refused at an expiry that another process's keep-alive then slides on", async () => {
    // This keep-alive reaches the store at `start + 2`, just past the expiry, and is refused; the other lands before its `lapse`.
    const { real, user, start } = await racedJustPastExpiry(open, 'touch', (start) => start);
    expect(await session.keepAlive(0, user.jar)).toMatchObject({ ok: true, value: { idleExpiresInMs: IDLE_MS } });
    expect(await real.get(user.id)).toMatchObject({ lastActivityAt: start + 2, expiresAt: start + 2 + IDLE_MS });
    expect((await real.get(user.id))?.endReason).toBeUndefined();
    await real.close();
  });
});

describe.each(stores)('a page signing itself out at the idle deadline, on %s', (_name, open) => {
  /** Signs out `lastActiveAgo` after the last activity, with or without naming the session; the kinds of its events. */
  async function signOutAfter(lastActiveAgo: number, named: boolean, times = 1) {
    const real = open();
    provideSessionStore(real);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const user = await signedIn(real, start - lastActiveAgo);
    const { tagOf } = await import('./tag');
    for (let i = 0; i < times; i += 1) expect(await session.signOut(user.jar, named ? tagOf(user.id) : undefined)).toEqual({ ok: true, value: undefined });
    const { events } = await real.listEvents({ username: 'demo' }, start, { offset: 0, limit: 100 });
    const record = await real.get(user.id);
    await real.close();
    return { kinds: events.filter((event) => event.sessionTag === tagOf(user.id)).map((event) => event.kind), record, start };
  }

  // The page's own sign-out at 30:00 finds the record over: the read before it settles the record first
  // (settle.ts), so the event is the deadline's, never the Sign out button's.
  it('writes idle, not signed-out, and once', async () => {
    const { kinds, record, start } = await signOutAfter(IDLE_MS, true, 2);
    expect(kinds).toEqual(['idle']);
    expect(record).toMatchObject({ endReason: 'idle', endedAt: start });
  });

  it('writes idle too when the form posts without naming the session (no JavaScript)', async () => {
    expect((await signOutAfter(IDLE_MS, false)).kinds).toEqual(['idle']);
  });

  it('writes absolute, not signed-out, at the absolute deadline however recent the activity', async () => {
    const real = open();
    provideSessionStore(real);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const id = randomUUID();
    // Signed in 12 hours ago, active a minute ago: the absolute deadline is now.
    const createdAt = start - 12 * 3_600_000;
    await real.create({ id, username: 'demo', role: 'user', createdAt, lastActivityAt: start - 60_000, authenticatedAt: createdAt, expiresAt: start, remember: false, userAgent: 'test' }, 20);
    const value = await seal({ v: 2, sid: id, sub: 'demo', role: 'user', createdAt, remember: false }, { current: SECRET }, 13 * 3600);
    const { tagOf } = await import('./tag');
    await session.signOut({ get: (name: string) => (name === 'session' ? { value } : undefined) }, tagOf(id));
    const { events } = await real.listEvents({ username: 'demo' }, start, { offset: 0, limit: 100 });
    expect(events.filter((event) => event.sessionTag === tagOf(id)).map((event) => event.kind)).toEqual(['absolute']);
    await real.close();
  });

  it('writes signed-out when the button is pressed a moment before the deadline', async () => {
    expect((await signOutAfter(IDLE_MS - 1, true)).kinds).toEqual(['signed-out']);
  });
});
