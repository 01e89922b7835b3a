import postgres from 'postgres';
import { afterAll, inject } from 'vitest';
import { PostgresSessionStore } from '../lib/server/stores/postgres';
import type { StoreOptions } from '../lib/server/stores/types';

/**
 * A Postgres store for a unit test, on the suite's Postgres (vitest-global-setup.ts), in a schema of its own
 * (`SESSION_DB_SCHEMA`), as each Redis test has a database or a key prefix of its own: counts over everyone are
 * exact, and nothing collides. The schemas a test file made are dropped when it is done, so the server a Stryker
 * worker keeps for hundreds of runs does not fill up with them.
 */
const made: string[] = [];

afterAll(async () => {
  if (made.length === 0) return;
  const sql = postgres(inject('postgresUrl'), { max: 1, onnotice: () => {} });
  for (const schema of made.splice(0)) await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
  await sql.end();
});

export function openPostgresStore(options?: StoreOptions): PostgresSessionStore {
  const schema = `test_${Math.random().toString(36).slice(2)}`;
  made.push(schema);
  return new PostgresSessionStore({ url: inject('postgresUrl'), schema, poolSize: 4, statementTimeoutMs: 10_000 }, options);
}

/** The schema `store` keeps its tables in. */
export const schemaOf = (store: PostgresSessionStore): string => (store as unknown as { schema: string }).schema;
