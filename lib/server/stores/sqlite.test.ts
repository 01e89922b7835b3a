import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqliteSessionStore } from './sqlite';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps its write-ahead log bounded under thousands of keep-alives and failed sign-in attempts (SQLite can checkpoint)', async () => {
  const path = join(dir, 'wal.db');
  const store = new SqliteSessionStore(path);
  const now = Date.now();
  const id = '00000000-0000-4000-8000-000000000001';
  await store.create({ id, username: 'demo', role: 'user', createdAt: now, lastActivityAt: now, authenticatedAt: now, expiresAt: now + HOUR, remember: false, userAgent: 'test' }, 20);
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

  const older = join(dir, 'older.db');
  const made = new DatabaseSync(older);
  made.exec('PRAGMA page_size = 4096; CREATE TABLE earlier (x INTEGER)');
  made.close();
  const store = new SqliteSessionStore(older);
  const now = Date.now();
  await store.create({ id: '00000000-0000-4000-8000-000000000002', username: 'demo', role: 'user', createdAt: now, lastActivityAt: now, authenticatedAt: now, expiresAt: now + HOUR, remember: false, userAgent: 'test' }, 20);
  expect((await store.get('00000000-0000-4000-8000-000000000002'))?.username).toBe('demo');
  await store.close();
  expect(pageSize(older)).toBe(4096);
});
