import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from '../../../test-support/postgres-store';
import { RedisSessionStore } from '../stores/redis';
import { SqliteSessionStore } from '../stores/sqlite';
import type { SessionStore } from '../stores/types';

// A session ends once, so its end is written once: however many sign-outs of it arrive together, even within one
// millisecond (the same `at` and the same reason), only the one that ended it writes the event.

const dir = mkdtempSync(join(tmpdir(), 'end-once-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let eventLog: typeof import('./event-log');
let provideSessionStore: typeof import('../stores').provideSessionStore;
beforeAll(async () => {
  process.env.SESSION_SECRET ??= 'unit-test-secret-for-ending-once-0123456789';
  eventLog = await import('./event-log');
  ({ provideSessionStore } = await import('../stores'));
});

const stores: Array<[string, () => SessionStore]> = [
  ['sqlite', () => new SqliteSessionStore(join(dir, `${randomUUID()}.db`))],
  ['redis', () => new RedisSessionStore(`${inject('redisUrl')}/10`)],
  ['postgres', () => openPostgresStore()],
];

describe.each(stores)('on %s', (_name, open) => {
  it('50 sign-outs of one session at once, in one millisecond, write one signed-out event', async () => {
    const store = open();
    provideSessionStore(store);
    try {
      const now = Date.now();
      const id = randomUUID();
      const username = `end-once-${randomUUID()}`;
      await store.create({ id, username, role: 'user', createdAt: now, lastActivityAt: now, authenticatedAt: now, expiresAt: now + 1_800_000, remember: false, userAgent: 'UA' }, 20);
      const ended = await Promise.all(Array.from({ length: 50 }, () => eventLog.endAndRecord(id, 'signed-out', now + 5, { by: 'user' }, username)));
      expect(ended.every((record) => record?.endReason === 'signed-out')).toBe(true);
      const { events } = await store.listEvents({ username, kind: 'signed-out' }, now + 10, { offset: 0, limit: 100 });
      expect(events).toHaveLength(1);
      expect(ended.filter((record) => record?.endedNow)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
