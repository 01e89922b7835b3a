import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore, schemaOf } from '../../../test-support/postgres-store';
import { PostgresSessionStore } from './postgres';
import { RedisSessionStore } from './redis';
import { SqliteSessionStore } from './sqlite';
import type { EndNotice, SessionStore } from './types';

// Two instances of the app on one store: an end announced by one is heard by the other. SQLite serves one process,
// whose one store is both.
const dir = mkdtempSync(join(tmpdir(), 'end-channel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clusterSeeds = inject('redisClusterNodes');
const clusterNodes = clusterSeeds.split(',').map((seed) => ({ host: seed.split(':')[0] ?? '', port: Number(seed.split(':')[1]) }));

type Pair = () => [SessionStore, SessionStore];

const pairs: Array<[string, Pair]> = [
  [
    'sqlite',
    () => {
      const store = new SqliteSessionStore(join(dir, `${crypto.randomUUID()}.db`));
      return [store, store];
    },
  ],
  ['redis', () => [new RedisSessionStore(`${inject('redisUrl')}/5`), new RedisSessionStore(`${inject('redisUrl')}/5`)]],
  [
    'postgres',
    () => {
      const first = openPostgresStore();
      return [first, new PostgresSessionStore({ url: inject('postgresUrl'), schema: schemaOf(first), poolSize: 2, statementTimeoutMs: 10_000 })];
    },
  ],
  ...(clusterSeeds
    ? [
        [
          'redis cluster',
          () => {
            const prefix = `ends-${Math.random().toString(36).slice(2)}:`;
            return [new RedisSessionStore({ clusterNodes }, { prefix }), new RedisSessionStore({ clusterNodes }, { prefix })];
          },
        ] as [string, Pair],
      ]
    : []),
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(pairs)('%s: ends told between instances', (_name, pair) => {
  it('an end one instance announces is heard by the other, once, whole, and only by its user\'s listeners', async () => {
    const [a, b] = pair();
    const user = `user-${Math.random().toString(36).slice(2)}`;
    const heard: EndNotice[] = [];
    const others: EndNotice[] = [];
    const stop = await b.listenForEnds(user, (notice) => heard.push(notice));
    const stopOther = await b.listenForEnds(`${user}-other`, (notice) => others.push(notice));
    try {
      const notice: EndNotice = { id: crypto.randomUUID(), username: user, reason: 'ended-by-admin' };
      await a.announceEnd(notice);
      await expect.poll(() => heard, { timeout: 2_000, interval: 20 }).toEqual([notice]);
      await sleep(100);
      expect(heard).toHaveLength(1);
      expect(others).toEqual([]);
    } finally {
      await Promise.all([stop(), stopOther()]);
      await Promise.all([...new Set([a, b])].map((store) => store.close()));
    }
  });

  it('a listener stopped hears nothing more; another of the same user still does', async () => {
    const [a, b] = pair();
    const user = `user-${Math.random().toString(36).slice(2)}`;
    const [first, second]: EndNotice[][] = [[], []];
    const stopFirst = await b.listenForEnds(user, (notice) => first?.push(notice));
    const stopSecond = await b.listenForEnds(user, (notice) => second?.push(notice));
    try {
      await stopFirst();
      const notice: EndNotice = { id: crypto.randomUUID(), username: user, reason: 'signed-out-elsewhere' };
      await a.announceEnd(notice);
      await expect.poll(() => second, { timeout: 2_000, interval: 20 }).toEqual([notice]);
      expect(first).toEqual([]);
      await stopSecond();
      await a.announceEnd({ ...notice, id: crypto.randomUUID() });
      await sleep(300);
      expect(second).toHaveLength(1);
    } finally {
      await Promise.all([...new Set([a, b])].map((store) => store.close()));
    }
  });
});

describe('postgres: ends told between instances', () => {
  it('two apps on one database, in two schemas, hear only their own ends', async () => {
    const [a, b] = [openPostgresStore(), openPostgresStore()];
    const heard: EndNotice[] = [];
    const stop = await b.listenForEnds('shared-name', (notice) => heard.push(notice));
    try {
      await a.announceEnd({ id: crypto.randomUUID(), username: 'shared-name', reason: 'signed-out-elsewhere' });
      await sleep(300);
      expect(heard).toEqual([]);
    } finally {
      await stop();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
