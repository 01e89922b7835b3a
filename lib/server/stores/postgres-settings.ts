import 'server-only';
import { z } from 'zod';
import { blankIsUnset, count, duration } from '../env-schemas';
import { DEFAULT_POSTGRES_SCHEMA, type PostgresTarget } from './postgres-connection';

/** The longest `SESSION_DB_STATEMENT_TIMEOUT`: see below. */
export const MAX_STATEMENT_TIMEOUT_MS = 24 * 86_400_000;

/** What the Postgres store reads from the environment: the database, the schema its tables live in, its pool. */

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

/** Whether `DATABASE_URL` names a Postgres database: with `SESSION_STORE` unset, such a URL alone chooses this store. */
export const namesPostgres = (url: string | undefined) => url !== undefined && POSTGRES_URL.test(url);

/**
 * The variables only this store reads, each parsed alone, so a wrong one is named even while another store is
 * chosen, and refused there. Not `DATABASE_URL`: an app keeps its own data there whichever store holds the sessions.
 */
export const PostgresVariables = z.object({
  // An identifier the store quotes itself: lower case, as Postgres folds unquoted names, so psql finds it as typed.
  SESSION_DB_SCHEMA: blankIsUnset.pipe(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'may hold lower-case letters, digits and _ only, at most 63, not starting with a digit')
      // Postgres keeps names starting pg_ for its own schemas, and refuses to make one.
      .refine((name) => !name.startsWith('pg_'), 'may not start with pg_, which Postgres keeps for its own schemas')
      .optional(),
  ),
  SESSION_DB_POOL_SIZE: count(10),
  SESSION_DB_STATEMENT_TIMEOUT: duration('2s')
    .refine((ms) => ms >= 1_000, 'must be at least 1 second')
    // The client waits a second longer than the server in a Node timer, which takes at most 2^31 - 1 ms (a longer
    // one fires at once: every query would time out), and the server's setting is at most that many ms too.
    .refine((ms) => ms <= MAX_STATEMENT_TIMEOUT_MS, 'must be at most 24 days'),
});

/** The Postgres store's settings: a `postgres://` or `postgresql://` `DATABASE_URL`, and the variables above. */
export const PostgresSettings = PostgresVariables.extend({
  DATABASE_URL: blankIsUnset.pipe(
    z
      .string({ error: 'is missing: SESSION_STORE=postgres needs a postgres:// or postgresql:// URL' })
      .refine((url) => namesPostgres(url) && URL.canParse(url), 'must be a postgres:// or postgresql:// URL'),
  ),
}).transform(
  ({ DATABASE_URL, SESSION_DB_SCHEMA, SESSION_DB_POOL_SIZE, SESSION_DB_STATEMENT_TIMEOUT }): PostgresTarget => ({
    url: DATABASE_URL,
    schema: SESSION_DB_SCHEMA ?? DEFAULT_POSTGRES_SCHEMA,
    poolSize: SESSION_DB_POOL_SIZE,
    statementTimeoutMs: SESSION_DB_STATEMENT_TIMEOUT,
  }),
);
