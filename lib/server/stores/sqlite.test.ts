import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqliteSessionStore } from './sqlite';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new active record of `username`'s, as sign-in writes it, lasting an hour from `now`. */
const activeRecord = (id: string, now: number, username = 'demo') =>
  ({ id, username, role: 'user', createdAt: now, lastActivityAt: now, authenticatedAt: now, expiresAt: now + HOUR, remember: false, userAgent: 'test' }) as const;

/** A new file in `dir` made by `sql` alone, as an earlier version of the store (or another program) left it. */
async function fileMadeWith(name: string, sql: string): Promise<string> {
  const { DatabaseSync } = await import('node:sqlite');
  const path = join(dir, name);
  const made = new DatabaseSync(path);
  made.exec(sql);
  made.close();
  return path;
}

/** A store on a new file in `dir` with an active session for each of `ids`, created at `now`. */
async function storeWith(name: string, ids: string[], now: number) {
  const path = join(dir, name);
  const store = new SqliteSessionStore(path);
  for (const id of ids) await store.create(activeRecord(id, now), Infinity);
  return { path, store };
}

it('keeps its write-ahead log bounded under thousands of keep-alives and failed sign-in attempts (SQLite can checkpoint)', async () => {
  const path = join(dir, 'wal.db');
  const store = new SqliteSessionStore(path);
  const now = Date.now();
  const id = '00000000-0000-4000-8000-000000000001';
  await store.create(activeRecord(id, now), 20);
  for (let i = 1; i <= 3_000; i += 1) {
    await store.touch(id, now + i, now + i + HOUR, now + i);
    const { resetAt } = await store.reserveAttempt(`user:${i % 10}`, HOUR, now);
    await store.failAttempt(`user:${i % 10}`, resetAt);
  }
  expect((await store.get(id))?.lastActivityAt).toBe(now + 3_000);
  // 9,000 commits of a page or more each: without checkpoints the log passes 20 MiB; with them it stays near 4 MiB.
  expect(statSync(`${path}-wal`).size).toBeLessThan(8 * 2 ** 20);
  await store.close();
});

it('makes new files with 1 KiB pages and opens a file made with 4 KiB pages as it is', async () => {
  const { DatabaseSync } = await import('node:sqlite');
  const pageSize = (path: string) => {
    const db = new DatabaseSync(path);
    const { page_size: size } = db.prepare('PRAGMA page_size').get() as { page_size: number };
    db.close();
    return size;
  };
  const fresh = join(dir, 'fresh.db');
  await new SqliteSessionStore(fresh).close();
  expect(pageSize(fresh)).toBe(1024);

  const older = await fileMadeWith('older.db', 'PRAGMA page_size = 4096; CREATE TABLE earlier (x INTEGER)');
  const store = new SqliteSessionStore(older);
  const now = Date.now();
  await store.create(activeRecord('00000000-0000-4000-8000-000000000002', now), 20);
  expect((await store.get('00000000-0000-4000-8000-000000000002'))?.username).toBe('demo');
  await store.close();
  expect(pageSize(older)).toBe(4096);
});

it('writes to the log, for a keep-alive, only its row and its entry in the index of active sessions by deadline', async () => {
  const { DatabaseSync } = await import('node:sqlite');
  const path = join(dir, 'pages.db');
  const store = new SqliteSessionStore(path);
  const now = Date.now();
  const ids = Array.from({ length: 2_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  for (const [i, id] of ids.entries()) {
    await store.create(activeRecord(id, now, `user${i % 50}`), Infinity);
    // Half of them ended, as a live server's file holds them until their purge.
    if (i % 2 === 1) await store.end(id, 'signed-out', now);
  }
  const other = new DatabaseSync(path);
  other.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const touched = ids.filter((_, i) => i % 2 === 0).slice(0, 200);
  for (const [i, id] of touched.entries()) await store.touch(id, now + 1_000 + i, now + 1_000 + i + HOUR, now + 1_000);
  // The log holds the frames of every commit: a 32-byte header, then a 24-byte header and a page each.
  const frames = (statSync(`${path}-wal`).size - 32) / (1024 + 24);
  // Moving an entry in each of three indexes wrote about seven pages a touch; the row and one index write three or four.
  expect(frames / touched.length).toBeLessThan(4.5);
  expect((await store.get(touched[0] ?? ''))?.expiresAt).toBe(now + 1_000 + HOUR);
  other.close();
  await store.close();
});

it('writes keep-alives that arrive together in one commit, holds no lock until then, and answers each after it', async () => {
  const { DatabaseSync } = await import('node:sqlite');
  const now = Date.now();
  const ids = Array.from({ length: 50 }, (_, i) => `00000000-0000-4000-8000-1${String(i).padStart(11, '0')}`);
  const { path, store } = await storeWith('batch.db', ids, now);
  // Without a busy timeout: any lock held by the store fails this connection's write at once.
  const other = new DatabaseSync(path, { timeout: 0 });
  const seen = () => Number((other.prepare('SELECT count(*) AS n FROM sessions WHERE last_activity_at > ?').get(now) as { n: number }).n);
  other.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  let answered = 0;
  const answers = Promise.all(ids.map((id, i) => store.touch(id, now + 1 + i, now + 1 + i + HOUR, now).finally(() => (answered += 1))));
  // 50 at once: queued for the next turn, holding no lock meanwhile (another writer need not wait), unanswered.
  other.exec("UPDATE sessions SET user_agent = 'other' WHERE id = 'none'");
  await Promise.resolve();
  expect([seen(), answered]).toEqual([0, 0]);
  const touched = await answers;
  expect(touched.map((record) => record?.lastActivityAt)).toEqual(ids.map((_, i) => now + 1 + i));
  expect(seen()).toBe(50);
  // One commit writes each changed page once: far fewer pages than 50 commits of three or four each.
  const pages = (statSync(`${path}-wal`).size - 32) / (1024 + 24);
  expect(pages).toBeGreaterThan(0);
  expect(pages).toBeLessThan(50);

  // Anything else the store does first commits the keep-alives before it.
  const late = store.touch(ids[0] ?? '', now + 100, now + 100 + HOUR, now);
  await store.end(ids[1] ?? '', 'signed-out', now + 100);
  expect(Number((other.prepare('SELECT last_activity_at AS at FROM sessions WHERE id = ?').get(ids[0] ?? '') as { at: number }).at)).toBe(now + 100);
  expect((await late)?.lastActivityAt).toBe(now + 100);
  other.close();
  await store.close();
});

it('fails every keep-alive of a batch whose write fails, leaves no transaction open, and writes the next', async () => {
  const { DatabaseSync } = await import('node:sqlite');
  const now = Date.now();
  const ids = ['00000000-0000-4000-8000-200000000001', '00000000-0000-4000-8000-200000000002'];
  const { path, store } = await storeWith('batch-fails.db', ids, now);
  // Another process holds the write lock past the store's busy timeout (5 s): the batch cannot begin.
  const other = new DatabaseSync(path);
  other.exec('BEGIN IMMEDIATE');
  const failed = await Promise.allSettled(ids.map((id) => store.touch(id, now + 1, now + 1 + HOUR, now)));
  expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  other.exec('ROLLBACK');
  expect((await store.touch(ids[0] ?? '', now + 2, now + 2 + HOUR, now))?.lastActivityAt).toBe(now + 2);
  expect((await store.get(ids[1] ?? ''))?.lastActivityAt).toBe(now);
  other.close();
  await store.close();
}, 20_000);

it('refuses a file of an earlier layout at once, naming it, instead of failing every request', async () => {
  const earlier = await fileMadeWith(
    'earlier-layout.db',
    `CREATE TABLE sessions (id TEXT PRIMARY KEY, username TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, purge_at INTEGER NOT NULL, remember INTEGER NOT NULL,
    user_agent TEXT NOT NULL, ended_at INTEGER, end_reason TEXT) STRICT`,
  );
  expect(() => new SqliteSessionStore(earlier)).toThrow(/SESSION_DB_PATH .*earlier-layout\.db holds sessions in an earlier layout \(no sessions\.authenticated_at\)/);
});

it('opens a file made before sign-in through a provider: its sessions read as they were, and new ones keep their link', async () => {
  const now = Date.now();
  const old = activeRecord('old-session', now);
  const path = await fileMadeWith(
    'before-provider.db',
    `CREATE TABLE sessions (id TEXT PRIMARY KEY, username TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL, authenticated_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, purge_at INTEGER NOT NULL,
    remember INTEGER NOT NULL, user_agent TEXT NOT NULL, ended_at INTEGER, end_reason TEXT) STRICT;
    CREATE TABLE sign_in_attempts (key TEXT PRIMARY KEY, count INTEGER NOT NULL, failures INTEGER NOT NULL, reset_at INTEGER NOT NULL,
    held_until INTEGER NOT NULL) STRICT;
    INSERT INTO sessions VALUES ('${old.id}', '${old.username}', 'user', ${now}, ${now}, ${now}, ${old.expiresAt}, ${old.expiresAt + HOUR}, 0, 'test', NULL, NULL);`,
  );
  const store = new SqliteSessionStore(path);
  expect(await store.get(old.id)).toEqual({ ...old, purgeAt: old.expiresAt + HOUR });
  const linked = { ...activeRecord('linked-session', now, 'alice@idp'), providerLink: { subject: 'sub-1', sessionId: 'sid-1', idToken: 'eyJ.a.b' } };
  await store.create(linked, 20);
  expect(await store.providerSessions({ subject: 'sub-1' }, now)).toEqual([{ id: linked.id, username: 'alice@idp' }]);
  await store.close();
});
