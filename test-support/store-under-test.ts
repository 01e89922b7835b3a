import { PostgresSessionStore } from '../lib/server/stores/postgres';
import { RedisSessionStore } from '../lib/server/stores/redis';
import { SqliteSessionStore } from '../lib/server/stores/sqlite';
import type { SessionStore } from '../lib/server/stores/types';
import { postgresTestPort, startPostgres, type RunningPostgres } from './postgres-server';
import { redisTestPort, startRedis, type RunningRedis } from './redis-server';
import { dbPath } from './servers';

/** The stores that keep records, as the specs that run on each of them name them. */
export type StoreName = 'SQLite' | 'Redis' | 'Postgres';
export const RECORD_STORES: readonly StoreName[] = ['SQLite', 'Redis', 'Postgres'];

export interface StoreUnderTest {
  name: StoreName;
  /** What an app server started on it is given. */
  env: Record<string, string>;
  /** The store itself, opened as the app opens it: for seeding records and reading them back. */
  open(): SessionStore;
  /** The server behind it (none for SQLite's file). */
  redis?: RunningRedis;
  postgres?: RunningPostgres;
  /** Stops its server, pass or fail, and forgets what it held. */
  stop(): Promise<void>;
}

/**
 * A store of its own for one spec: a new SQLite file, a redis-server on `redisTestPort(offset)` or a Postgres on
 * `postgresTestPort(offset)`, each started here and stopped by `stop`. Specs that share an offset never run at once.
 */
export async function startStore(name: StoreName, { offset, label }: { offset: number; label: string }): Promise<StoreUnderTest> {
  if (name === 'Redis') {
    const redis = await startRedis(redisTestPort(offset));
    return { name, redis, env: { REDIS_URL: redis.url }, open: () => new RedisSessionStore(redis.url), stop: () => redis.stop() };
  }
  if (name === 'Postgres') {
    const postgres = await startPostgres(postgresTestPort(offset));
    const target = { url: postgres.url, schema: 'session_store', poolSize: 4, statementTimeoutMs: 5_000 };
    return { name, postgres, env: { DATABASE_URL: postgres.url }, open: () => new PostgresSessionStore(target), stop: () => postgres.destroy() };
  }
  const path = dbPath(`${label}-${Date.now()}`);
  return { name, env: { SESSION_DB_PATH: path }, open: () => new SqliteSessionStore(path), stop: async () => {} };
}
