import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { RedisSessionStore } from './redis';
import { SqliteSessionStore } from './sqlite';
import type { NewSessionRecord, SessionStore } from './types';

const HOUR = 3_600_000;
const T0 = Date.now();
let counter = 0;

function record(overrides: Partial<NewSessionRecord> = {}): NewSessionRecord {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    username: 'demo',
    role: 'user',
    createdAt: T0,
    lastActivityAt: T0,
    expiresAt: T0 + HOUR / 2,
    purgeAt: T0 + 13 * HOUR,
    remember: false,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    ...overrides,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'session-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: Array<[string, () => SessionStore]> = [
  ['sqlite', () => new SqliteSessionStore(join(dir, `contract-${counter}.db`))],
  ['redis', () => new RedisSessionStore(inject('redisUrl'))],
];

describe.each(stores)('%s session store', (_name, open) => {
  let store: SessionStore;
  // Each test gets its own user name, so the shared Redis needs no flushing between tests.
  let user: string;
  beforeEach(async () => {
    store = open();
    user = `user-${Math.random().toString(36).slice(2)}`;
    return () => store.close();
  });

  it('creates and reads back a record, field for field', async () => {
    const created = record({ username: user, remember: true });
    await store.create(created);
    expect(await store.get(created.id)).toEqual(created);
    expect(await store.get('no-such-session')).toBeUndefined();
  });

  it('touch moves last activity and expiry forward, never back', async () => {
    const created = record({ username: user });
    await store.create(created);
    expect(await store.touch(created.id, T0 + 60_000, T0 + 60_000 + HOUR / 2)).toMatchObject({ lastActivityAt: T0 + 60_000, expiresAt: T0 + 60_000 + HOUR / 2 });
    expect(await store.touch(created.id, T0 + 1_000, T0 + 1_000)).toMatchObject({ lastActivityAt: T0 + 60_000, expiresAt: T0 + 60_000 + HOUR / 2 });
    expect(await store.touch('no-such-session', T0, T0)).toBeUndefined();
  });

  it('an ended record stays ended: touch cannot revive it and the first reason wins', async () => {
    const created = record({ username: user });
    await store.create(created);
    expect(await store.end(created.id, 'signed-out', T0 + 5)).toMatchObject({ endedAt: T0 + 5, endReason: 'signed-out' });
    const touched = await store.touch(created.id, T0 + 10_000, T0 + HOUR);
    expect(touched).toMatchObject({ lastActivityAt: T0, endReason: 'signed-out' });
    expect(await store.end(created.id, 'revoked', T0 + 9)).toMatchObject({ endedAt: T0 + 5, endReason: 'signed-out' });
  });

  it('a keep-alive racing a sign-out never leaves the record active', async () => {
    const created = record({ username: user });
    await store.create(created);
    await Promise.all([store.touch(created.id, T0 + 1, T0 + HOUR), store.end(created.id, 'signed-out', T0 + 1), store.touch(created.id, T0 + 2, T0 + HOUR)]);
    expect((await store.get(created.id))?.endReason).toBe('signed-out');
    expect(await store.listByUser(user, T0)).toEqual([]);
  });

  it('lists a user\'s active sessions, newest activity first, without ended or expired ones', async () => {
    const older = record({ username: user, lastActivityAt: T0 - 1_000 });
    const newer = record({ username: user, lastActivityAt: T0 });
    const ended = record({ username: user });
    const expired = record({ username: user, expiresAt: T0 - 1 });
    const someoneElse = record({ username: `${user}-other` });
    for (const r of [older, newer, ended, expired, someoneElse]) await store.create(r);
    await store.end(ended.id, 'revoked', T0);
    expect((await store.listByUser(user, T0)).map((r) => r.id)).toEqual([newer.id, older.id]);
    const all = (await store.listAll(T0)).map((r) => r.id);
    expect(all).toEqual(expect.arrayContaining([newer.id, older.id, someoneElse.id]));
    expect(all).not.toContain(ended.id);
    expect(all).not.toContain(expired.id);
  });

  it('a record stops being listed at its expiry, to the millisecond', async () => {
    const created = record({ username: user, expiresAt: T0 + 1_000 });
    await store.create(created);
    expect(await store.listByUser(user, T0 + 999)).toHaveLength(1);
    expect(await store.listByUser(user, T0 + 1_000)).toHaveLength(0);
  });

  it('endOthers ends every other active session of the user and keeps this one', async () => {
    const mine = record({ username: user });
    const others = [record({ username: user }), record({ username: user })];
    const stranger = record({ username: `${user}-x` });
    for (const r of [mine, ...others, stranger]) await store.create(r);
    expect(await store.endOthers(user, mine.id, 'revoked', T0 + 1)).toBe(2);
    expect((await store.listByUser(user, T0 + 1)).map((r) => r.id)).toEqual([mine.id]);
    for (const other of others) expect((await store.get(other.id))?.endReason).toBe('revoked');
    expect((await store.get(stranger.id))?.endedAt).toBeUndefined();
  });

  it('reserves attempts one at a time in a window that opens with the first', async () => {
    const key = `user:${user}`;
    const now = Date.now();
    expect(await store.reserveAttempt(key, 60_000, now)).toEqual({ count: 1, failures: 0, resetAt: now + 60_000 });
    // The window stays where the first attempt opened it.
    expect(await store.reserveAttempt(key, 60_000, now + 5_000)).toEqual({ count: 2, failures: 0, resetAt: now + 60_000 });
    expect(await store.reserveAttempt(`${key}-other`, 60_000, now)).toMatchObject({ count: 1 });
  });

  it('50 reservations at once on one key get the counts 1 to 50, each exactly once', async () => {
    const key = `addr:${user}`;
    const now = Date.now();
    const reserved = await Promise.all(Array.from({ length: 50 }, () => store.reserveAttempt(key, 60_000, now)));
    expect(reserved.map((attempt) => attempt.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(reserved.map((attempt) => attempt.resetAt))).toEqual(new Set([now + 60_000]));
  });

  it('a failed attempt stays counted, as a failure; a released one no longer counts', async () => {
    const key = `user:${user}`;
    const now = Date.now();
    const { resetAt } = await store.reserveAttempt(key, 60_000, now);
    await store.reserveAttempt(key, 60_000, now);
    await store.failAttempt(key, resetAt);
    await store.releaseAttempt(key, resetAt);
    expect(await store.reserveAttempt(key, 60_000, now)).toEqual({ count: 2, failures: 1, resetAt });
  });

  it('a release that forgets failures leaves only the attempts still being checked', async () => {
    const key = `user:${user}`;
    const now = Date.now();
    const { resetAt } = await store.reserveAttempt(key, 60_000, now);
    await store.failAttempt(key, resetAt);
    await store.reserveAttempt(key, 60_000, now);
    await store.failAttempt(key, resetAt);
    await store.reserveAttempt(key, 60_000, now); // still being checked
    await store.reserveAttempt(key, 60_000, now); // the one that succeeds
    await store.releaseAttempt(key, resetAt, true);
    expect(await store.reserveAttempt(key, 60_000, now)).toEqual({ count: 2, failures: 0, resetAt });
  });

  it('50 concurrent outcomes on one key are all counted', async () => {
    const key = `user:${user}`;
    const now = Date.now();
    const reserved = await Promise.all(Array.from({ length: 50 }, () => store.reserveAttempt(key, 60_000, now)));
    const resetAt = reserved[0]?.resetAt ?? 0;
    await Promise.all(reserved.map((_, i) => (i % 2 === 0 ? store.failAttempt(key, resetAt) : store.releaseAttempt(key, resetAt))));
    expect(await store.reserveAttempt(key, 60_000, now)).toEqual({ count: 26, failures: 25, resetAt });
  });

  it('an outcome for a window that has closed changes nothing in the next one, and never goes below zero', async () => {
    const key = `addr:${user}`;
    const first = await store.reserveAttempt(key, 50, Date.now());
    await new Promise((resolve) => setTimeout(resolve, 120));
    const now = Date.now();
    const second = await store.reserveAttempt(key, 60_000, now);
    expect(second).toEqual({ count: 1, failures: 0, resetAt: now + 60_000 });
    await store.failAttempt(key, first.resetAt);
    await store.releaseAttempt(key, first.resetAt, true);
    await store.releaseAttempt(`${key}-never-reserved`, second.resetAt);
    expect(await store.reserveAttempt(key, 60_000, now)).toEqual({ count: 2, failures: 0, resetAt: second.resetAt });
    await store.releaseAttempt(key, second.resetAt);
    await store.releaseAttempt(key, second.resetAt);
    await store.releaseAttempt(key, second.resetAt);
    expect(await store.reserveAttempt(key, 60_000, now)).toMatchObject({ count: 1 });
  });

  it('a window closes on its own, to the millisecond, and its attempts are forgotten', async () => {
    const key = `addr:${user}-closing`;
    const now = Date.now();
    const { resetAt } = await store.reserveAttempt(key, 60_000, now);
    await store.failAttempt(key, resetAt);
    expect(await store.reserveAttempt(key, 60_000, resetAt - 1)).toEqual({ count: 2, failures: 1, resetAt });
    expect(await store.reserveAttempt(key, 60_000, resetAt)).toEqual({ count: 1, failures: 0, resetAt: resetAt + 60_000 });
  });

  it('forgets records past their purge time', async () => {
    const gone = record({ username: user, purgeAt: Date.now() + 50, expiresAt: Date.now() + 40 });
    const kept = record({ username: user });
    await store.create(gone);
    await store.create(kept);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await store.purgeExpired(Date.now());
    expect(await store.get(gone.id)).toBeUndefined();
    expect(await store.get(kept.id)).toBeDefined();
  });

  it('listing stays flat with thousands of sessions', async () => {
    const many = Array.from({ length: 2_000 }, (_, i) => record({ username: `${user}-${i % 100}` }));
    for (const r of many) await store.create(r);
    const started = performance.now();
    for (let i = 0; i < 50; i += 1) await store.listByUser(`${user}-${i}`, T0);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('sqlite session store', () => {
  it('keeps records across a reopen of the same file', async () => {
    const path = join(dir, 'durable.db');
    const first = new SqliteSessionStore(path);
    const created = record({ username: 'durable' });
    await first.create(created);
    await first.end(created.id, 'revoked', T0);
    await first.close();
    const second = new SqliteSessionStore(path);
    expect(await second.get(created.id)).toMatchObject({ endReason: 'revoked' });
    await second.close();
  });
});

describe('redis session store', () => {
  it('fails with StoreUnavailableError, quickly, when Redis cannot be reached', async () => {
    const store = new RedisSessionStore('redis://127.0.0.1:1');
    const started = Date.now();
    await expect(store.get('x')).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await store.close();
  });
});
