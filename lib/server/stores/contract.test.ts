import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import postgres, { PostgresError } from 'postgres';
import { createClient, createCluster } from 'redis';
import { afterAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { MemoryAttemptStore } from './memory-attempts';
import { openPostgresStore, schemaOf } from '../../../test-support/postgres-store';
import type { PostgresSessionStore } from './postgres';
import { RedisSessionStore } from './redis';
import { DEFAULT_KEY_PREFIX, redisKeys } from './redis-keys';
import type { SessionEvent } from './event-schema';
import { SqliteSessionStore } from './sqlite';
import { KEEP_ENDED_MS, RESERVATION_HOLD_MS, type AttemptStore, type NewSessionRecord, type SessionStore, type StoreOptions } from './types';

const HOUR = 3_600_000;
const T0 = Date.now();
const FIRST = { offset: 0, limit: 100 };
let counter = 0;

function record(overrides: Partial<NewSessionRecord> = {}): NewSessionRecord {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    username: 'demo',
    role: 'user',
    createdAt: T0,
    lastActivityAt: T0,
    authenticatedAt: T0,
    expiresAt: T0 + HOUR / 2,
    remember: false,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    ...overrides,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'session-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The contract suite has Redis databases of its own, emptied before each test, so counts over everyone are exact.
const REDIS_DBS = [1, 3] as const;
const redisUrl = (second = false) => `${inject('redisUrl')}/${REDIS_DBS[second ? 1 : 0]}`;

/** `second`: a store apart from the first, for a test that compares two. */
type Open = (options?: StoreOptions & { second?: boolean }) => SessionStore;

/**
 * Writes one field of a stored record behind the store's back, as a bug or a hand at the console might; `null` removes
 * it. `'refused'` when the store's typed column cannot hold the value at all (Postgres's boolean, its NOT NULL).
 */
type Corrupt = (store: SessionStore, id: string, field: string, value: string | number | null) => Promise<void | 'refused'>;

const columnOf = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const sqlitePaths = new WeakMap<SessionStore, string>();

function openSqlite(options?: StoreOptions): SessionStore {
  const path = join(dir, `contract-${(counter += 1)}.db`);
  const store = new SqliteSessionStore(path, options);
  sqlitePaths.set(store, path);
  return store;
}

// A second connection to the same file, as another process would have: the store's own handle stays private.
const corruptSqlite: Corrupt = async (store, id, field, value) => {
  const db = new DatabaseSync(sqlitePaths.get(store) ?? ':memory:');
  try {
    db.prepare(`UPDATE sessions SET ${columnOf(field)} = ? WHERE id = ?`).run(value, id);
  } finally {
    db.close();
  }
};

// The record's key, found as the store finds it from an id alone: through the owner key.
async function corruptWith(client: Pick<ReturnType<typeof createClient>, 'get' | 'hDel' | 'hSet'>, prefix: string, id: string, field: string, value: string | number | null) {
  const keys = redisKeys(prefix);
  const owner = (await client.get(keys.owner(id))) ?? '';
  const key = keys.session(owner, id);
  await (value === null ? client.hDel(key, field) : client.hSet(key, field, String(value)));
}

const corruptRedis: Corrupt = async (_store, id, field, value) => {
  const client = createClient({ url: redisUrl() });
  await client.connect();
  try {
    await corruptWith(client, DEFAULT_KEY_PREFIX, id, field, value);
  } finally {
    client.destroy();
  }
};

// On the cluster every store gets a key prefix of its own instead of an emptied database (a cluster has only
// database 0): counts over everyone are exact all the same, and it proves that prefixes keep apps apart.
const clusterSeeds = inject('redisClusterNodes');
const clusterNodes = clusterSeeds.split(',').map((seed) => ({ host: seed.split(':')[0] ?? '', port: Number(seed.split(':')[1]) }));
const clusterPrefixes = new WeakMap<SessionStore, string>();

function openCluster(options?: StoreOptions): SessionStore {
  const prefix = `contract-${Math.random().toString(36).slice(2)}:`;
  const store = new RedisSessionStore({ clusterNodes }, { ...options, prefix });
  clusterPrefixes.set(store, prefix);
  return store;
}

const corruptCluster: Corrupt = async (store, id, field, value) => {
  const cluster = createCluster({ rootNodes: clusterNodes.map((socket) => ({ socket })) });
  await cluster.connect();
  try {
    await corruptWith(cluster as unknown as Pick<ReturnType<typeof createClient>, 'get' | 'hDel' | 'hSet'>, clusterPrefixes.get(store) ?? '', id, field, value);
  } finally {
    cluster.destroy();
  }
};

// Postgres: every store gets a schema of its own (SESSION_DB_SCHEMA), as on the cluster a key prefix.
const corruptPostgres: Corrupt = async (store, id, field, value) => {
  const sql = postgres(inject('postgresUrl'), { max: 1, onnotice: () => {} });
  try {
    await sql`UPDATE ${sql(schemaOf(store as PostgresSessionStore))}.sessions SET ${sql(columnOf(field))} = ${value} WHERE id = ${id}`;
  } catch (error) {
    // Not a boolean (22P02), or no value where one is required (23502): the column keeps what it had.
    if (error instanceof PostgresError && ['22P02', '23502'].includes(error.code)) return 'refused';
    throw error;
  } finally {
    await sql.end();
  }
};

const stores: Array<[string, Open, () => Promise<void>, Corrupt]> = [
  ['sqlite', openSqlite, async () => {}, corruptSqlite],
  [
    'redis',
    (options) => new RedisSessionStore(redisUrl(options?.second), options),
    async () => {
      for (const second of [false, true]) {
        const client = createClient({ url: redisUrl(second) });
        await client.connect();
        await client.flushDb();
        client.destroy();
      }
    },
    corruptRedis,
  ],
  ['postgres', openPostgresStore, async () => {}, corruptPostgres],
  // Not under Stryker (see vitest-global-setup.ts): there the suite has no cluster, and these tests do not run.
  ...(clusterSeeds ? [['redis cluster', openCluster, async () => {}, corruptCluster] as [string, Open, () => Promise<void>, Corrupt]] : []),
];

const ids = (page: { records: Array<{ id: string }> }) => page.records.map((r) => r.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(stores)('%s session store', (_name, open, empty, corrupt) => {
  let store: SessionStore;
  // Each test gets its own user name too, so a failure names its own records.
  let user: string;
  beforeEach(async () => {
    await empty();
    store = open();
    user = `user-${Math.random().toString(36).slice(2)}`;
    return () => store.close();
  });

  it('creates and reads back a record, field for field, to be forgotten an hour after its expiry', async () => {
    const created = record({ username: user, remember: true });
    expect(await store.create(created, 20)).toEqual([]);
    expect(await store.get(created.id)).toEqual({ ...created, purgeAt: created.expiresAt + KEEP_ENDED_MS });
    expect(await store.get('no-such-session')).toBeUndefined();
  });

  it('touch moves last activity and expiry forward, never back, and the purge time with them', async () => {
    const created = record({ username: user });
    await store.create(created, 20);
    const moved = { lastActivityAt: T0 + 60_000, expiresAt: T0 + 60_000 + HOUR / 2, purgeAt: T0 + 60_000 + HOUR / 2 + KEEP_ENDED_MS };
    expect(await store.touch(created.id, T0 + 60_000, T0 + 60_000 + HOUR / 2, T0 + 60_000)).toMatchObject(moved);
    expect(await store.touch(created.id, T0 + 1_000, T0 + 1_000, T0 + 60_000)).toMatchObject(moved);
    expect(await store.touch('no-such-session', T0, T0, T0)).toBeUndefined();
  });

  it('touch refuses a record whose expiry has passed, to the millisecond', async () => {
    const expiresAt = T0 + 1_000;
    const late = record({ username: user, expiresAt });
    const justInTime = record({ username: user, expiresAt });
    await store.create(late, 20);
    await store.create(justInTime, 20);
    // Read just before the deadline, written at it: the record stays as it was, and stops being active.
    expect(await store.touch(late.id, expiresAt - 1, expiresAt - 1 + HOUR / 2, expiresAt)).toMatchObject({ lastActivityAt: T0, expiresAt });
    expect(await store.get(late.id)).toMatchObject({ lastActivityAt: T0, expiresAt });
    expect(await store.touch(justInTime.id, expiresAt - 1, expiresAt - 1 + HOUR / 2, expiresAt - 1)).toMatchObject({
      lastActivityAt: expiresAt - 1,
      expiresAt: expiresAt - 1 + HOUR / 2,
    });
    expect(ids(await store.listByUser(user, expiresAt, FIRST))).toEqual([justInTime.id]);
  });

  it('markAuthenticated moves the proof of presence forward, never back, and nothing else', async () => {
    const created = record({ username: user });
    await store.create(created, 20);
    expect(await store.markAuthenticated(created.id, T0 + 60_000)).toEqual({ ...created, authenticatedAt: T0 + 60_000, purgeAt: created.expiresAt + KEEP_ENDED_MS });
    expect(await store.markAuthenticated(created.id, T0 + 1_000)).toMatchObject({ authenticatedAt: T0 + 60_000 });
    expect(await store.markAuthenticated('no-such-session', T0)).toBeUndefined();
  });

  it('markAuthenticated never changes an ended record, nor one whose expiry has passed, to the millisecond', async () => {
    const ended = record({ username: user });
    const expired = record({ username: user, expiresAt: T0 + 1_000 });
    await store.create(ended, 20);
    await store.create(expired, 20);
    await store.end(ended.id, 'signed-out', T0 + 5);
    expect(await store.markAuthenticated(ended.id, T0 + 10)).toMatchObject({ authenticatedAt: T0, endReason: 'signed-out' });
    expect(await store.markAuthenticated(expired.id, T0 + 1_000)).toMatchObject({ authenticatedAt: T0 });
    expect(await store.markAuthenticated(expired.id, T0 + 999)).toMatchObject({ authenticatedAt: T0 + 999 });
  });

  it('an ended record stays ended: touch cannot revive it and the first reason wins', async () => {
    const created = record({ username: user });
    await store.create(created, 20);
    expect(await store.end(created.id, 'signed-out', T0 + 5)).toMatchObject({ endedAt: T0 + 5, endReason: 'signed-out', endedNow: true });
    // The same end again, the same millisecond: the record is the same, and this call ended nothing.
    expect(await store.end(created.id, 'signed-out', T0 + 5)).toMatchObject({ endedAt: T0 + 5, endReason: 'signed-out', endedNow: false });
    const touched = await store.touch(created.id, T0 + 10_000, T0 + HOUR, T0 + 10_000);
    expect(touched).toMatchObject({ lastActivityAt: T0, endReason: 'signed-out' });
    expect(await store.end(created.id, 'signed-out-elsewhere', T0 + 9)).toMatchObject({ endedAt: T0 + 5, endReason: 'signed-out', endedNow: false });
  });

  it('a keep-alive racing a sign-out never leaves the record active', async () => {
    const created = record({ username: user });
    await store.create(created, 20);
    await Promise.all([
      store.touch(created.id, T0 + 1, T0 + HOUR, T0 + 1),
      store.end(created.id, 'signed-out', T0 + 1),
      store.touch(created.id, T0 + 2, T0 + HOUR, T0 + 2),
    ]);
    expect((await store.get(created.id))?.endReason).toBe('signed-out');
    expect(await store.listByUser(user, T0, FIRST)).toEqual({ records: [], total: 0 });
  });

  it('lists active sessions, latest expiry first, without ended or expired ones', async () => {
    const sooner = record({ username: user, expiresAt: T0 + HOUR / 2 - 1_000 });
    const later = record({ username: user });
    const ended = record({ username: user });
    const expired = record({ username: user, expiresAt: T0 - 1 });
    const someoneElse = record({ username: `${user}-other`, expiresAt: T0 + HOUR / 4 });
    for (const r of [sooner, later, ended, expired, someoneElse]) await store.create(r, 20);
    await store.end(ended.id, 'signed-out-elsewhere', T0);
    expect(await store.listByUser(user, T0, FIRST)).toMatchObject({ records: [{ id: later.id }, { id: sooner.id }], total: 2 });
    expect(await store.listAll(T0, FIRST)).toMatchObject({ records: [{ id: later.id }, { id: sooner.id }, { id: someoneElse.id }], total: 3 });
  });

  it('lists one page at a time, with the count of all, in one order (equal expiries by id, last first)', async () => {
    const created = Array.from({ length: 7 }, (_, i) => record({ username: user, expiresAt: T0 + HOUR - Math.floor(i / 2) }));
    for (const r of [...created].reverse()) await store.create(r, 20);
    const expected = [...created].sort((a, b) => b.expiresAt - a.expiresAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    const pages = [0, 3, 6].map((offset) => ({ offset, limit: 3 }));
    for (const list of [(page: typeof FIRST) => store.listByUser(user, T0, page), (page: typeof FIRST) => store.listAll(T0, page)]) {
      const read = await Promise.all(pages.map(list));
      expect(read.map((page) => page.total)).toEqual([7, 7, 7]);
      expect(read.flatMap(ids)).toEqual(expected);
      expect(await list({ offset: 7, limit: 3 })).toEqual({ records: [], total: 7 });
    }
  });

  it('pages everyone\'s sessions alike from either end: each page of 4 of 11, of four users, ties included', async () => {
    const created = Array.from({ length: 11 }, (_, i) => record({ username: `${user}-${i % 4}`, expiresAt: T0 + HOUR - Math.floor(i / 3) }));
    for (const r of created) await store.create(r, 20);
    const expected = [...created].sort((a, b) => b.expiresAt - a.expiresAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    // A store may read a page from the end nearer to it (Redis's shards do): every offset, so both ends are read.
    for (let offset = 0; offset < 11; offset += 1) {
      expect(await store.listAll(T0, { offset, limit: 4 }), `offset ${offset}`).toMatchObject({ total: 11 });
      expect(ids(await store.listAll(T0, { offset, limit: 4 })), `offset ${offset}`).toEqual(expected.slice(offset, offset + 4));
    }
  });

  it('a record stops being listed at its expiry, to the millisecond', async () => {
    const created = record({ username: user, expiresAt: T0 + 1_000 });
    await store.create(created, 20);
    expect(await store.listByUser(user, T0 + 999, FIRST)).toMatchObject({ total: 1, records: [{ id: created.id }] });
    expect(await store.listByUser(user, T0 + 1_000, FIRST)).toEqual({ records: [], total: 0 });
    expect(await store.listAll(T0 + 1_000, FIRST)).toEqual({ records: [], total: 0 });
  });

  it('endOthers ends every other active session of the user and keeps this one', async () => {
    const mine = record({ username: user });
    const others = [record({ username: user }), record({ username: user })];
    const stranger = record({ username: `${user}-x` });
    for (const r of [mine, ...others, stranger]) await store.create(r, 20);
    expect((await store.endOthers(user, mine.id, 'signed-out-elsewhere', T0 + 1)).map((r) => r.id).sort()).toEqual(others.map((r) => r.id).sort());
    expect(ids(await store.listByUser(user, T0 + 1, FIRST))).toEqual([mine.id]);
    for (const other of others) expect((await store.get(other.id))?.endReason).toBe('signed-out-elsewhere');
    expect((await store.get(stranger.id))?.endedAt).toBeUndefined();
  });

  it('a session kept alive past its first expiry is still listed, and still ended by endOthers', async () => {
    const kept = record({ username: user, expiresAt: T0 + 1_000 });
    const mine = record({ username: user, expiresAt: T0 + HOUR });
    await store.create(kept, 20);
    await store.create(mine, 20);
    await store.touch(kept.id, T0 + 900, T0 + 900 + HOUR / 2, T0 + 900);
    const afterFirstExpiry = T0 + 5_000;
    expect(await store.listByUser(user, afterFirstExpiry, FIRST)).toMatchObject({ records: [{ id: mine.id }, { id: kept.id }], total: 2 });
    expect(await store.listAll(afterFirstExpiry, FIRST)).toMatchObject({ records: [{ id: mine.id }, { id: kept.id }], total: 2 });
    expect(ids({ records: await store.endOthers(user, mine.id, 'signed-out-elsewhere', afterFirstExpiry) })).toEqual([kept.id]);
    expect(await store.get(kept.id)).toMatchObject({ endReason: 'signed-out-elsewhere', endedAt: afterFirstExpiry });
  });

  it('a new session beyond the cap ends the least recently active ones, and no other user\'s', async () => {
    const a = record({ username: user, lastActivityAt: T0 - 3_000 });
    const b = record({ username: user, lastActivityAt: T0 - 1_000 });
    const c = record({ username: user, lastActivityAt: T0 - 2_000 });
    const stranger = record({ username: `${user}-x`, lastActivityAt: T0 - 9_000 });
    const ended = record({ username: user, lastActivityAt: T0 - 8_000 });
    const expired = record({ username: user, lastActivityAt: T0 - 8_000, expiresAt: T0 - 1 });
    for (const r of [stranger, ended, expired]) await store.create(r, 3);
    await store.end(ended.id, 'signed-out', T0);
    for (const r of [a, b, c]) await store.create(r, 3);
    // Neither the ended nor the expired one counts: the cap of 3 is reached only now.
    expect(await store.listByUser(user, T0, FIRST)).toMatchObject({ total: 3 });
    const d = record({ username: user });
    expect(await store.create(d, 3)).toMatchObject([{ id: a.id, endReason: 'session-limit' }]);
    expect(await store.get(a.id)).toMatchObject({ endReason: 'session-limit', endedAt: T0, purgeAt: T0 + KEEP_ENDED_MS });
    const e = record({ username: user });
    expect(await store.create(e, 3)).toMatchObject([{ id: c.id, endReason: 'session-limit' }]);
    expect((await store.get(c.id))?.endReason).toBe('session-limit');
    expect(new Set(ids(await store.listByUser(user, T0, FIRST)))).toEqual(new Set([b.id, d.id, e.id]));
    expect(await store.get(ended.id)).toMatchObject({ endReason: 'signed-out' });
    expect((await store.get(stranger.id))?.endedAt).toBeUndefined();
  });

  it('50 sessions created at once for one user leave exactly the cap active', async () => {
    const created = Array.from({ length: 50 }, (_, i) => record({ username: user, lastActivityAt: T0 - i }));
    const endedCounts = await Promise.all(created.map((r) => store.create(r, 20)));
    expect(endedCounts.reduce((sum, ended) => sum + ended.length, 0)).toBe(30);
    expect((await store.listByUser(user, T0, FIRST)).total).toBe(20);
    const reasons = await Promise.all(created.map(async (r) => (await store.get(r.id))?.endReason ?? 'active'));
    expect(reasons.filter((reason) => reason === 'session-limit')).toHaveLength(30);
    expect(reasons.filter((reason) => reason === 'active')).toHaveLength(20);
  });

  it('a cap of Infinity (the bench seeds so) ends nothing', async () => {
    const created = Array.from({ length: 30 }, (_, i) => record({ username: user, lastActivityAt: T0 - i }));
    for (const r of created) expect(await store.create(r, Infinity)).toEqual([]);
    expect((await store.listByUser(user, T0, FIRST)).total).toBe(30);
  });

  it('keeps an ended record an hour after it ended; one that passed its deadline, an hour after the deadline', async () => {
    const signedOut = record({ username: user });
    const idle = record({ username: user, expiresAt: T0 + 1_000 });
    await store.create(signedOut, 20);
    await store.create(idle, 20);
    expect(await store.end(signedOut.id, 'signed-out', T0 + 10)).toMatchObject({ purgeAt: T0 + 10 + KEEP_ENDED_MS });
    // Noticed late, at a request long after the deadline: still an hour after the deadline.
    expect(await store.end(idle.id, 'idle', T0 + 50_000)).toMatchObject({ endedAt: T0 + 50_000, purgeAt: T0 + 1_000 + KEEP_ENDED_MS });
  });

  it('forgets a record once its time is up: soon after it ended, or after its deadline, but not while kept alive', async () => {
    await store.close();
    store = open({ keepEndedMs: 500 });
    const now = Date.now();
    // Untouched, this one would be forgotten 1.1 s from now; touched first thing, it stays.
    const keptAlive = record({ username: user, createdAt: now, lastActivityAt: now, expiresAt: now + 600 });
    await store.create(keptAlive, 20);
    expect(await store.touch(keptAlive.id, now + 10, now + HOUR, now + 10)).toMatchObject({ expiresAt: now + HOUR });
    const signedOut = record({ username: user, createdAt: now, lastActivityAt: now, expiresAt: now + HOUR });
    const lapsed = record({ username: user, createdAt: now, lastActivityAt: now, expiresAt: now + 50 });
    for (const r of [signedOut, lapsed]) await store.create(r, 20);
    await store.end(signedOut.id, 'signed-out', now);
    await sleep(now + 1_600 - Date.now());
    await store.purgeExpired(Date.now());
    expect(await store.get(signedOut.id)).toBeUndefined();
    expect(await store.get(lapsed.id)).toBeUndefined();
    expect(await store.get(keptAlive.id)).toMatchObject({ expiresAt: now + HOUR });
  });

  it('listing stays flat: a page of one user, or of everyone, costs about the same with 10,000 active sessions as with 100', async () => {
    const PER_USER = 20;
    const names = Array.from({ length: 5 }, (_, u) => `${user}-${u}`);
    /** `users` users of 20 sessions each, every expiry different; the ids of the first five users', in listing order. */
    async function seed(target: SessionStore, users: number): Promise<Map<string, string[]>> {
      const expected = new Map<string, string[]>();
      const batch: NewSessionRecord[] = [];
      for (let u = 0; u < users; u += 1) {
        const mine = Array.from({ length: PER_USER }, (_, i) => record({ username: `${user}-${u}`, expiresAt: T0 + HOUR - u * PER_USER - i }));
        expected.set(`${user}-${u}`, mine.map((r) => r.id));
        batch.push(...mine);
      }
      for (let i = 0; i < batch.length; i += 100) await Promise.all(batch.slice(i, i + 100).map((r) => target.create(r, PER_USER)));
      return expected;
    }
    async function timeListings(target: SessionStore): Promise<number> {
      const started = performance.now();
      for (let rep = 0; rep < 10; rep += 1) for (const name of names) await target.listByUser(name, T0, { offset: 0, limit: PER_USER });
      for (let rep = 0; rep < 3; rep += 1) await target.listAll(T0, { offset: 0, limit: 50 });
      return performance.now() - started;
    }

    const large = open({ second: true });
    try {
      await seed(store, 5);
      const expected = await seed(large, 500);
      // Side by side, alternating, so a machine that slows down weighs on both alike.
      const times = { small: [] as number[], large: [] as number[] };
      for (let round = 0; round < 7; round += 1) {
        for (const side of round % 2 ? (['large', 'small'] as const) : (['small', 'large'] as const)) times[side].push(await timeListings(side === 'small' ? store : large));
      }
      const [smallMs, largeMs] = [times.small, times.large].map((samples) => samples.sort((a, b) => a - b)[3] ?? Number.NaN) as [number, number];

      for (const name of names) {
        expect(await large.listByUser(name, T0, { offset: 0, limit: PER_USER })).toMatchObject({ total: PER_USER, records: expected.get(name)?.map((id) => ({ id })) });
      }
      const all = await large.listAll(T0, { offset: 0, limit: 50 });
      expect(all.total).toBe(500 * PER_USER);
      expect(ids(all)).toEqual(names.slice(0, 3).flatMap((name) => expected.get(name) ?? []).slice(0, 50));
      // SQLite counts everyone's sessions on its index (about 2 ms for 10,000 here); all else reads a page.
      expect(largeMs, `100 sessions: ${smallMs.toFixed(1)} ms; 10,000: ${largeMs.toFixed(1)} ms`).toBeLessThan(smallMs * 3 + 15);
    } finally {
      await large.close();
    }
  }, 120_000);

  // A record the store cannot read whole is no record: guessing its role or why it ended would hand out a
  // session nobody issued (an admin, a live one). Upstream a missing record reads as an invalid session.
  it.each([
    ['a role it does not know', 'role', 'root', false],
    ['a remember flag that is neither on nor off', 'remember', 7, false],
    ['an end reason it does not know', 'endReason', 'hacked', true],
    ['an end without a reason', 'endReason', null, true],
  ] as const)('a record with %s reads as no record, and is never listed', async (_what, field, value, ended) => {
    const sound = record({ username: user });
    const broken = record({ username: user, expiresAt: sound.expiresAt + 1 });
    for (const r of [sound, broken]) await store.create(r, 20);
    if (ended) await store.end(broken.id, 'signed-out', T0);
    if ((await corrupt(store, broken.id, field, value)) === 'refused') {
      // The column cannot hold it: the record stays as it was, sound, and no reader ever meets the value.
      expect(await store.get(broken.id)).toMatchObject({ id: broken.id, remember: false });
      return;
    }
    expect(await store.get(broken.id)).toBeUndefined();
    expect(await store.touch(broken.id, T0 + 1, T0 + HOUR, T0 + 1)).toBeUndefined();
    expect(ids(await store.listByUser(user, T0, FIRST))).toEqual([sound.id]);
    expect(ids(await store.listAll(T0, FIRST))).toEqual([sound.id]);
    expect(await store.get(sound.id)).toMatchObject({ id: sound.id, role: 'user' });
  });

});

// The sign-in throttle's counters: every session store's, and the process's own for SESSION_STORE=cookie.
const attemptStores: Array<[string, () => AttemptStore & { close?: () => Promise<void> }]> = [
  ...stores.map(([name, open]) => [name, () => open()] as [string, () => SessionStore]),
  ['in-process (SESSION_STORE=cookie)', () => new MemoryAttemptStore()],
];

describe.each(attemptStores)('%s attempt counter', (_name, open) => {
  let store: AttemptStore & { close?: () => Promise<void> };
  let user: string;
  beforeEach(() => {
    store = open();
    user = `user-${Math.random().toString(36).slice(2)}`;
    return () => store.close?.();
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

  it('a reservation never released stops counting RESERVATION_HOLD_MS after the latest one; failures stay', async () => {
    const key = `user:${user}`;
    const now = Date.now();
    const { resetAt } = await store.reserveAttempt(key, HOUR, now); // never released: its process died
    await store.reserveAttempt(key, HOUR, now);
    await store.failAttempt(key, resetAt);
    // A later reservation holds every one in flight for another hold.
    const later = now + RESERVATION_HOLD_MS - 1;
    expect(await store.reserveAttempt(key, HOUR, later)).toEqual({ count: 3, failures: 1, resetAt });
    await store.releaseAttempt(key, resetAt);
    expect(await store.reserveAttempt(key, HOUR, later + RESERVATION_HOLD_MS - 1)).toEqual({ count: 3, failures: 1, resetAt });
    await store.releaseAttempt(key, resetAt);
    // The hold of the latest has lapsed: only the failure and this attempt count.
    expect(await store.reserveAttempt(key, HOUR, later + 2 * RESERVATION_HOLD_MS - 1)).toEqual({ count: 2, failures: 1, resetAt });
  });

  it('a failure whose reservation lapsed meanwhile still counts', async () => {
    const key = `user:${user}`;
    const now = Date.now();
    const { resetAt } = await store.reserveAttempt(key, HOUR, now);
    await store.reserveAttempt(key, HOUR, now + RESERVATION_HOLD_MS); // its hold lapsed: the first no longer counts
    await store.failAttempt(key, resetAt);
    await store.failAttempt(key, resetAt);
    expect(await store.reserveAttempt(key, HOUR, now + RESERVATION_HOLD_MS)).toEqual({ count: 3, failures: 2, resetAt });
  });

  it('a failure whose reservation lapsed and whose key was forgotten meanwhile still counts in its window', async () => {
    const key = `user:${user}`;
    const now = Date.now();
    const slow = await store.reserveAttempt(key, HOUR, now); // a check that takes longer than the hold
    const refused = await store.reserveAttempt(key, HOUR, now + RESERVATION_HOLD_MS); // the slow one no longer counts
    await store.releaseAttempt(key, refused.resetAt); // nothing counted: the key is forgotten
    await store.failAttempt(key, slow.resetAt);
    expect(await store.reserveAttempt(key, HOUR, now + RESERVATION_HOLD_MS + 1)).toEqual({ count: 2, failures: 1, resetAt: slow.resetAt });
  });

  it('a key left with nothing counted is forgotten: the next attempt opens a window of its own', async () => {
    const key = `user:${user}`;
    const now = Date.now();
    const { resetAt } = await store.reserveAttempt(key, 60_000, now);
    await store.releaseAttempt(key, resetAt);
    expect(await store.reserveAttempt(key, 120_000, now + 1)).toEqual({ count: 1, failures: 0, resetAt: now + 1 + 120_000 });
    // A key with a failure is kept.
    const kept = await store.reserveAttempt(key, 60_000, now + 2);
    await store.failAttempt(key, kept.resetAt);
    await store.releaseAttempt(key, kept.resetAt);
    expect(await store.reserveAttempt(key, 60_000, now + 3)).toEqual({ count: 2, failures: 1, resetAt: now + 1 + 120_000 });
  });

  it('a window closes on its own, to the millisecond, and its attempts are forgotten', async () => {
    const key = `addr:${user}-closing`;
    const now = Date.now();
    const { resetAt } = await store.reserveAttempt(key, 60_000, now);
    await store.failAttempt(key, resetAt);
    expect(await store.reserveAttempt(key, 60_000, resetAt - 1)).toEqual({ count: 2, failures: 1, resetAt });
    expect(await store.reserveAttempt(key, 60_000, resetAt)).toEqual({ count: 1, failures: 0, resetAt: resetAt + 60_000 });
  });
});

describe.runIf(clusterSeeds)('redis cluster session store', () => {
  it('puts every key of one user in one hash slot, and spreads everyone\'s index over slots of its own', async () => {
    const store = openCluster();
    const prefix = clusterPrefixes.get(store) ?? '';
    const users = Array.from({ length: 40 }, (_, i) => `slot-user-${i}-{odd}`);
    try {
      for (const username of users) await store.create(record({ username }), 20);
      // Every key the store wrote, read from each master (a test may look at every node; the store never does).
      const keys: string[] = [];
      for (const node of clusterNodes) {
        const client = await createClient({ socket: node }).connect();
        if ((await client.sendCommand(['ROLE']))?.toString().startsWith('master')) keys.push(...(await client.keys(`${prefix}*`)));
        client.destroy();
      }
      const slotOf = async (key: string) => {
        const client = await createClient({ socket: clusterNodes[0] }).connect();
        try {
          return Number(await client.sendCommand(['CLUSTER', 'KEYSLOT', key]));
        } finally {
          client.destroy();
        }
      };
      for (const username of users.slice(0, 5)) {
        const own = keys.filter((key) => key.includes(`{${encodeURIComponent(username)}}`));
        expect(own).toHaveLength(2);
        expect(new Set(await Promise.all(own.map(slotOf))).size).toBe(1);
      }
      const shards = keys.filter((key) => key.startsWith(`${prefix}all:`));
      expect(shards.length).toBeGreaterThan(4);
      expect(new Set(await Promise.all(shards.map(slotOf))).size).toBe(shards.length);
      expect(keys.every((key) => key.startsWith(prefix))).toBe(true);
      expect((await store.listAll(T0, FIRST)).total).toBe(40);
    } finally {
      await store.close();
    }
  });
});

describe('sqlite session store', () => {
  it('keeps records across a reopen of the same file', async () => {
    const path = join(dir, 'durable.db');
    const first = new SqliteSessionStore(path);
    const created = record({ username: 'durable' });
    await first.create(created, 20);
    await first.end(created.id, 'signed-out-elsewhere', T0);
    await first.close();
    const second = new SqliteSessionStore(path);
    expect(await second.get(created.id)).toMatchObject({ endReason: 'signed-out-elsewhere' });
    await second.close();
  });

  it('refuses a time that is not an integer, or a missing field, at the column itself (STRICT, NOT NULL)', async () => {
    const store = openSqlite();
    const created = record({ username: 'strict' });
    await store.create(created, 20);
    await expect(corruptSqlite(store, created.id, 'lastActivityAt', 'soon')).rejects.toThrow(/cannot store TEXT value in INTEGER column/);
    await expect(corruptSqlite(store, created.id, 'userAgent', null)).rejects.toThrow(/NOT NULL/);
    expect(await store.get(created.id)).toEqual({ ...created, purgeAt: created.expiresAt + KEEP_ENDED_MS });
    await store.close();
  });
});

describe('redis session store', () => {
  // A hash holds strings only, so here, unlike in SQLite's typed columns, a time or a field can be anything or nothing.
  it.each([
    ['a time that is not a number', 'lastActivityAt', 'soon'],
    ['an empty time', 'createdAt', ''],
    ['a time that is not a whole number', 'expiresAt', '1e400'],
    ['no user agent', 'userAgent', null],
    ['no proof of presence', 'authenticatedAt', null],
    ['no end time beside its reason', 'endReason', 'signed-out-elsewhere'],
  ] as const)('a record with %s reads as no record, and is never listed', async (_what, field, value) => {
    const store = new RedisSessionStore(redisUrl());
    const user = `user-${Math.random().toString(36).slice(2)}`;
    try {
      const sound = record({ username: user });
      const broken = record({ username: user, expiresAt: sound.expiresAt + 1 });
      for (const r of [sound, broken]) await store.create(r, 20);
      await corruptRedis(store, broken.id, field, value);
      expect(await store.get(broken.id)).toBeUndefined();
      expect(ids(await store.listByUser(user, T0, FIRST))).toEqual([sound.id]);
      expect(await store.get(sound.id)).toMatchObject({ id: sound.id });
    } finally {
      await store.close();
    }
  });

  it('keeps two apps apart on one Redis by their key prefixes, and writes no key outside its own', async () => {
    const url = `${inject('redisUrl')}/4`;
    const raw = await createClient({ url }).connect();
    await raw.flushDb();
    const [a, b] = ['app-a:', 'app-b:'].map((prefix) => new RedisSessionStore(url, { prefix })) as [RedisSessionStore, RedisSessionStore];
    try {
      const mine = record({ username: 'shared-name' });
      await a.create(mine, 20);
      await a.reserveAttempt('user:shared-name', 60_000, Date.now());
      expect(await b.get(mine.id)).toBeUndefined();
      expect(await b.listAll(T0, FIRST)).toEqual({ records: [], total: 0 });
      expect(await b.listByUser('shared-name', T0, FIRST)).toEqual({ records: [], total: 0 });
      expect(await b.reserveAttempt('user:shared-name', 60_000, Date.now())).toMatchObject({ count: 1 });
      expect(await b.endOthers('shared-name', 'none', 'signed-out-elsewhere', T0)).toEqual([]);
      expect(await a.get(mine.id)).toMatchObject({ id: mine.id });
      const keys = await raw.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((key) => !key.startsWith('app-a:') && !key.startsWith('app-b:'))).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      raw.destroy();
    }
  });

  // The index of everyone's sessions lives in other slots than the user's script: its write can fail alone (a node
  // failing over). The call must still report what it ended, so that its events are written.
  it.each([
    ['an end', async (store: SessionStore, [one]: NewSessionRecord[]) => [await store.end(one?.id ?? '', 'signed-out', T0 + 1)]],
    ['"sign out other sessions"', (store: SessionStore, [one]: NewSessionRecord[]) => store.endOthers(one?.username ?? '', 'none', 'signed-out-elsewhere', T0 + 1)],
    ['a create past the cap', (store: SessionStore, [one]: NewSessionRecord[]) => store.create(record({ username: one?.username ?? '', lastActivityAt: T0 + 1 }), 1)],
    ['a lapse', async (store: SessionStore, [one]: NewSessionRecord[]) => [await store.lapse(one?.id ?? '', one?.username ?? '', (one?.expiresAt ?? 0) + 1, 12 * HOUR)]],
  ] as const)('%s whose write to the index of everyone\'s sessions fails still answers with what it ended', async (_what, act) => {
    const store = new RedisSessionStore(redisUrl());
    const user = `user-${Math.random().toString(36).slice(2)}`;
    try {
      const one = record({ username: user });
      await store.create(one, 20);
      const client = (store as unknown as { client: { zRem: (...args: unknown[]) => Promise<unknown> } }).client;
      const zRem = client.zRem;
      client.zRem = () => {
        client.zRem = zRem;
        return Promise.reject(new Error('CLUSTERDOWN The cluster is down'));
      };
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      expect((await act(store, [one])).map((ended) => ended?.id)).toEqual([one.id]);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/index of everyone's sessions/), expect.anything());
      expect(client.zRem).toBe(zRem);
      warn.mockRestore();
    } finally {
      await store.close();
    }
  });

  it('a session that ends leaves the provider\'s sets; a lookup leaves a sign-in still being written alone', async () => {
    const store = new RedisSessionStore(redisUrl());
    const raw = await createClient({ url: redisUrl() }).connect();
    const keys = redisKeys(DEFAULT_KEY_PREFIX);
    const sub = `sub-${Math.random().toString(36).slice(2)}`;
    const username = `${sub}@idp`;
    try {
      const [ended, lapsing, kept] = ['sid-1', 'sid-1', 'sid-2'].map((sessionId, index) =>
        record({ username, providerLink: { subject: sub, sessionId, idToken: 'eyJ.a.b' }, expiresAt: index === 1 ? T0 + 1_000 : T0 + HOUR }),
      ) as [NewSessionRecord, NewSessionRecord, NewSessionRecord];
      for (const r of [ended, lapsing, kept]) await store.create(r, 20);
      await store.end(ended.id, 'signed-out', T0);
      await store.lapse(lapsing.id, username, T0 + 2_000, 12 * HOUR);
      expect(await raw.sMembers(keys.providerSession('sid-1'))).toEqual([]);
      expect(await raw.sMembers(keys.providerSubject(sub))).toEqual([keys.shardMember(username, kept.id)]);

      // A sign-in whose entries are written but whose record is not yet: a lookup now must not forget it.
      const writing = { id: 'being-written', username };
      await raw.set(keys.owner(writing.id), username, { PX: 60_000 });
      await raw.sAdd(keys.providerSession('sid-2'), keys.shardMember(username, writing.id));
      expect(await store.providerSessions({ sessionId: 'sid-2' }, T0)).toEqual([{ id: kept.id, username }]);
      expect(await raw.sIsMember(keys.providerSession('sid-2'), keys.shardMember(username, writing.id))).toBe(1);
      // Forgotten altogether (no owner either): it leaves the set.
      await raw.del(keys.owner(writing.id));
      await store.providerSessions({ sessionId: 'sid-2' }, T0);
      expect(await raw.sIsMember(keys.providerSession('sid-2'), keys.shardMember(username, writing.id))).toBe(0);
    } finally {
      await store.close();
      raw.destroy();
    }
  });

  it('fails with StoreUnavailableError, quickly, when Redis cannot be reached', async () => {
    const store = new RedisSessionStore('redis://127.0.0.1:1');
    const started = Date.now();
    await expect(store.get('x')).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await store.close();
  });
});

describe.each(stores)('%s session store: lapsing at the deadline', (_name, open, empty) => {
  let store: SessionStore;
  let user: string;
  beforeEach(async () => {
    await empty();
    store = open();
    user = `lapse-${Math.random().toString(36).slice(2)}`;
    return () => store.close();
  });
  const ABSOLUTE = 12 * HOUR;

  it('ends a record whose expiry has passed at that expiry, idle, once, and lists it as due until then', async () => {
    const due = record({ username: user, lastActivityAt: T0 - 2_000, expiresAt: T0 - 1_000 });
    const alive = record({ username: user, expiresAt: T0 + HOUR });
    for (const r of [due, alive]) await store.create(r, 20);
    // The administrator's list reading past it must not drop it from the index the sweep reads.
    await store.listAll(T0, FIRST);
    expect(await store.lapsedSince(T0, 100)).toEqual([{ id: due.id, username: user }]);
    expect(await store.lapse(alive.id, user, T0, ABSOLUTE)).toBeUndefined();
    expect(await store.lapse(due.id, user, T0, ABSOLUTE)).toMatchObject({ id: due.id, endReason: 'idle', endedAt: T0 - 1_000 });
    expect(await store.lapse(due.id, user, T0, ABSOLUTE)).toBeUndefined();
    expect(await store.lapsedSince(T0, 100)).toEqual([]);
    expect((await store.get(alive.id))?.endReason).toBeUndefined();
  });

  it('says absolute when the expiry it passed was the absolute deadline', async () => {
    const old = record({ username: user, createdAt: T0 - ABSOLUTE - 5, lastActivityAt: T0 - 60_000, expiresAt: T0 - 5 });
    await store.create(old, 20);
    expect(await store.lapse(old.id, user, T0, ABSOLUTE)).toMatchObject({ endReason: 'absolute', endedAt: T0 - 5 });
  });

  it('never ends a record a keep-alive extended first, nor one already ended, and a keep-alive after it revives nothing', async () => {
    const touched = record({ username: user, expiresAt: T0 + 100 });
    const signedOut = record({ username: user, expiresAt: T0 + 100 });
    const lapsed = record({ username: user, expiresAt: T0 + 100 });
    for (const r of [touched, signedOut, lapsed]) await store.create(r, 20);
    await store.touch(touched.id, T0 + 50, T0 + HOUR, T0 + 50);
    await store.end(signedOut.id, 'signed-out', T0 + 60);
    expect(await store.lapsedSince(T0 + 200, 100)).toEqual([{ id: lapsed.id, username: user }]);
    expect(await store.lapse(touched.id, user, T0 + 200, ABSOLUTE)).toBeUndefined();
    expect(await store.lapse(signedOut.id, user, T0 + 200, ABSOLUTE)).toBeUndefined();
    expect(await store.get(signedOut.id)).toMatchObject({ endReason: 'signed-out', endedAt: T0 + 60 });
    expect(await store.lapse(lapsed.id, user, T0 + 200, ABSOLUTE)).toMatchObject({ endReason: 'idle', endedAt: T0 + 100 });
    expect(await store.touch(lapsed.id, T0 + 200, T0 + HOUR, T0 + 99)).toMatchObject({ endReason: 'idle', expiresAt: T0 + 100 });
    expect(await store.lapsedSince(T0 + 200, 100)).toEqual([]);
  });

  it('50 sweeps at once end a record once, and keep-alives racing them never bring it back', async () => {
    const due = record({ username: user, expiresAt: T0 - 1 });
    await store.create(due, 20);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store.lapse(due.id, user, T0, ABSOLUTE) : store.touch(due.id, T0, T0 + HOUR, T0))),
    );
    const ends = outcomes.filter((outcome, i) => i % 2 === 0 && outcome !== undefined);
    expect(ends).toHaveLength(1);
    expect(await store.get(due.id)).toMatchObject({ endReason: 'idle', endedAt: T0 - 1, expiresAt: T0 - 1 });
  });

  it('names a record of another user as nothing ended', async () => {
    const due = record({ username: user, expiresAt: T0 - 1 });
    await store.create(due, 20);
    expect(await store.lapse(due.id, `${user}-x`, T0, ABSOLUTE)).toBeUndefined();
  });

  it('gives the due records the earliest first, at most as many as asked, across users', async () => {
    const due = [3, 1, 2].map((ago) => record({ username: `${user}-${ago}`, expiresAt: T0 - ago * 1_000 }));
    for (const r of due) await store.create(r, 20);
    expect((await store.lapsedSince(T0, 2)).map((entry) => entry.id)).toEqual([due[0]?.id, due[2]?.id]);
  });
});

describe.each(stores)('%s session store: sessions of the OpenID provider', (_name, open, empty) => {
  let store: SessionStore;
  let subject: string;
  beforeEach(async () => {
    await empty();
    store = open();
    subject = `sub-${Math.random().toString(36).slice(2)}`;
    return () => store.close();
  });
  const link = (sessionId?: string) => ({ subject, idToken: `eyJ.${subject}.sig`, ...(sessionId ? { sessionId } : {}) });
  const sorted = (keys: Array<{ id: string; username: string }>) => [...keys].sort((a, b) => a.id.localeCompare(b.id));

  it('keeps the provider link whole, and a record without one has none', async () => {
    const linked = record({ username: `${subject}@idp`, providerLink: link('sid-1') });
    const bare = record({ username: `${subject}@idp`, providerLink: { subject, idToken: 'eyJ.x.y' } });
    const local = record({ username: 'local-user' });
    for (const r of [linked, bare, local]) await store.create(r, 20);
    expect(await store.get(linked.id)).toEqual({ ...linked, purgeAt: linked.expiresAt + KEEP_ENDED_MS });
    expect(await store.get(bare.id)).toEqual({ ...bare, purgeAt: bare.expiresAt + KEEP_ENDED_MS });
    expect((await store.get(local.id))?.providerLink).toBeUndefined();
  });

  it('finds the active sessions of a provider session, or of a subject, and none ended, expired or of another', async () => {
    const username = `${subject}@idp`;
    const first = record({ username, providerLink: link('sid-a') });
    const second = record({ username, providerLink: link('sid-a') });
    const otherSid = record({ username, providerLink: link('sid-b') });
    const ended = record({ username, providerLink: link('sid-a') });
    const expired = record({ username, providerLink: link('sid-a'), expiresAt: T0 - 1 });
    const stranger = record({ username: 'someone@idp', providerLink: { subject: `${subject}-other`, sessionId: 'sid-a2', idToken: 'eyJ.o.s' } });
    for (const r of [first, second, otherSid, ended, expired, stranger]) await store.create(r, 20);
    await store.end(ended.id, 'signed-out', T0);
    const keys = (...records: NewSessionRecord[]) => sorted(records.map(({ id, username: name }) => ({ id, username: name })));
    expect(sorted(await store.providerSessions({ sessionId: 'sid-a' }, T0))).toEqual(keys(first, second));
    expect(sorted(await store.providerSessions({ subject, sessionId: 'sid-a' }, T0))).toEqual(keys(first, second));
    expect(await store.providerSessions({ subject: `${subject}-other`, sessionId: 'sid-a' }, T0)).toEqual([]);
    expect(sorted(await store.providerSessions({ subject }, T0))).toEqual(keys(first, second, otherSid));
    expect(await store.providerSessions({ sessionId: 'no-such-sid' }, T0)).toEqual([]);
    expect(await store.providerSessions({ subject: 'no-such-subject' }, T0)).toEqual([]);
  });

  it('still finds a session kept alive past its first expiry', async () => {
    const username = `${subject}@idp`;
    const kept = record({ username, providerLink: link('sid-k'), expiresAt: T0 + 1_000 });
    await store.create(kept, 20);
    await store.touch(kept.id, T0 + 500, T0 + HOUR, T0 + 500, username);
    expect(await store.providerSessions({ sessionId: 'sid-k' }, T0 + 2_000)).toEqual([{ id: kept.id, username }]);
  });

  it('uses a key once until it expires: the first of 50 at once wins, to the millisecond', async () => {
    const key = `jti-${subject}`;
    const results = await Promise.all(Array.from({ length: 50 }, () => store.useOnce(key, T0 + 60_000, T0)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.useOnce(key, T0 + 60_000, T0 + 59_999)).toBe(false);
    expect(await store.useOnce(`${key}-other`, T0 + 60_000, T0)).toBe(true);
  });

  it('uses a key again once its use is released', async () => {
    const key = `jti-${subject}`;
    expect(await store.useOnce(key, Date.now() + 60_000, Date.now())).toBe(true);
    await store.releaseOnce(key);
    expect(await store.useOnce(key, Date.now() + 60_000, Date.now())).toBe(true);
    expect(await store.useOnce(key, Date.now() + 60_000, Date.now())).toBe(false);
  });

  it('uses a key again once its earlier use has expired', async () => {
    const key = `jti-${subject}`;
    expect(await store.useOnce(key, Date.now() + 50, Date.now())).toBe(true);
    await sleep(100);
    expect(await store.useOnce(key, Date.now() + 60_000, Date.now())).toBe(true);
    expect(await store.useOnce(key, Date.now() + 60_000, Date.now())).toBe(false);
  });
});

describe.each(stores)('%s session store: events', (_name, open, empty) => {
  let store: SessionStore;
  let user: string;
  beforeEach(async () => {
    await empty();
    store = open();
    user = `events-${Math.random().toString(36).slice(2)}`;
    return () => store.close();
  });
  let n = 0;
  const event = (overrides: Partial<SessionEvent> = {}): SessionEvent => {
    n += 1;
    return {
      id: `ev-${String(n).padStart(6, '0')}`,
      at: Date.now() - 60_000 + n,
      kind: 'signed-in',
      username: user,
      sessionTag: 'AAAAAAAAAAAAAAAA',
      actor: { by: 'user' },
      details: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' },
      ...overrides,
    };
  };
  const idsOf = (page: { events: SessionEvent[] }) => page.events.map((e) => e.id);

  it('keeps an event whole and lists it, the newest first, equal times by id, the last first', async () => {
    const now = Date.now();
    const first = event({ at: now - 3_000 });
    const tiedA = event({ at: now - 1_000, kind: 'idle', actor: { by: 'system' }, details: { userAgent: 'x', afterMs: 1_800_000 } });
    const tiedB = event({ at: now - 1_000, kind: 'ended-by-admin', actor: { by: 'admin', username: 'admin' } });
    for (const e of [tiedA, first, tiedB]) await store.appendEvent(e);
    const page = await store.listEvents({ username: user }, now, FIRST);
    expect(page).toEqual({ events: [tiedB, tiedA, first], total: 3 });
    expect(await store.listEvents({}, now, FIRST)).toEqual({ events: [tiedB, tiedA, first], total: 3 });
  });

  it('pages everyone\'s events alike from either end: each page of 4 of 11, of four users, equal times included', async () => {
    const now = Date.now();
    const written = Array.from({ length: 11 }, (_, i) => event({ username: `${user}-${i % 4}`, at: now - 10_000 + Math.floor(i / 3) }));
    for (const e of written) await store.appendEvent(e);
    const newest = [...written].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((e) => e.id);
    for (let offset = 0; offset < 11; offset += 1) {
      const page = await store.listEvents({ kind: 'signed-in' }, now, { offset, limit: 4 });
      expect({ total: page.total, ids: idsOf(page) }, `offset ${offset}`).toEqual({ total: 11, ids: newest.slice(offset, offset + 4) });
    }
  });

  it('filters by user, by kind, and by both, and pages each newest first with the total', async () => {
    const now = Date.now();
    const mine = Array.from({ length: 12 }, (_, i) => event({ at: now - 10_000 + i * 10, kind: i % 3 === 0 ? 'idle' : 'signed-in' }));
    const theirs = Array.from({ length: 5 }, (_, i) => event({ username: `${user}-other`, at: now - 10_000 + i * 10 + 5, kind: i % 2 === 0 ? 'idle' : 'signed-out' }));
    await Promise.all([...mine, ...theirs].map((e) => store.appendEvent(e)));
    const newest = (events: SessionEvent[]) => [...events].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((e) => e.id);

    expect(idsOf(await store.listEvents({ username: user }, now, { offset: 0, limit: 5 }))).toEqual(newest(mine).slice(0, 5));
    expect(await store.listEvents({ username: user }, now, { offset: 10, limit: 5 })).toMatchObject({ total: 12, events: [{ id: newest(mine)[10] }, { id: newest(mine)[11] }] });
    const idle = [...mine, ...theirs].filter((e) => e.kind === 'idle');
    expect(await store.listEvents({ kind: 'idle' }, now, { offset: 2, limit: 3 })).toMatchObject({ total: idle.length });
    expect(idsOf(await store.listEvents({ kind: 'idle' }, now, { offset: 2, limit: 3 }))).toEqual(newest(idle).slice(2, 5));
    const myIdle = mine.filter((e) => e.kind === 'idle');
    expect(await store.listEvents({ username: user, kind: 'idle' }, now, { offset: 1, limit: 2 })).toEqual({
      events: newest(myIdle).slice(1, 3).map((id) => myIdle.find((e) => e.id === id)),
      total: myIdle.length,
    });
    expect(idsOf(await store.listEvents({}, now, { offset: 0, limit: 100 }))).toEqual(newest([...mine, ...theirs]));
    expect(await store.listEvents({ username: `${user}-nobody` }, now, FIRST)).toEqual({ events: [], total: 0 });
    // A count alone, for a page number to be checked before any page is read.
    for (const filter of [{}, { username: user }, { kind: 'idle' as const }, { username: user, kind: 'idle' as const }]) {
      expect(await store.listEvents(filter, now, { offset: 0, limit: 0 })).toMatchObject({ events: [] });
    }
    expect((await store.listEvents({ username: user }, now, { offset: 0, limit: 0 })).total).toBe(12);
    expect(await store.listEvents({ kind: 'resealed' }, now, FIRST)).toEqual({ events: [], total: 0 });
  });

  it('lists nothing older than the retention, and the sweep deletes it', async () => {
    store = open({ eventsRetentionMs: 60_000 });
    const now = Date.now();
    const old = [event({ at: now - 120_000 }), event({ at: now - 61_000, kind: 'idle' })];
    const recent = event({ at: now - 1_000 });
    for (const e of [...old, recent]) await store.appendEvent(e);
    expect(await store.listEvents({ username: user }, now, FIRST)).toEqual({ events: [recent], total: 1 });
    expect(await store.listEvents({}, now, FIRST)).toEqual({ events: [recent], total: 1 });
    expect(await store.listEvents({ kind: 'idle' }, now, FIRST)).toEqual({ events: [], total: 0 });
    expect(await store.purgeEvents(now)).toBe(2);
    expect(await store.purgeEvents(now)).toBe(0);
    // An hour on, the recent one has aged out too.
    expect(await store.listEvents({ username: user }, now + HOUR, FIRST)).toEqual({ events: [], total: 0 });
    expect(await store.purgeEvents(now + HOUR)).toBe(1);
  });
});
