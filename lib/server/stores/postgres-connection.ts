// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import postgres, { PostgresError, type Sql } from 'postgres';
import { CONNECT_WAIT_MS, StoreUnavailableError } from './types';

/** How the Postgres store reaches its database: one pool per process, failing fast while the database is away. */

/** The schema the store's tables live in unless `SESSION_DB_SCHEMA` names another. */
export const DEFAULT_POSTGRES_SCHEMA = 'session_store';

/** `DATABASE_URL` and the store's own settings, as config.ts reads them. */
export interface PostgresTarget {
  url: string;
  schema: string;
  /** `SESSION_DB_POOL_SIZE`: connections this process opens at most. */
  poolSize: number;
  /** `SESSION_DB_STATEMENT_TIMEOUT`: the server cancels a statement that runs longer, and the request answers 503. */
  statementTimeoutMs: number;
}

// Every time column is an epoch millisecond in a bigint, well within a double: read as numbers, not strings.
const EPOCH_MS = { to: 20, from: [20], serialize: (value: number) => String(value), parse: (text: string) => Number(text) };

export type Database = Sql<{ epochMs: number }>;

/**
 * Query parameters of a `DATABASE_URL` the client would pass to the server as settings, and must not: the ones the
 * store sets itself (in the URL they would win, and `search_path` would put its tables outside its schema), and
 * other tools' own (Prisma's `?schema=public`), which the server refuses with every connection.
 */
const NOT_FOR_THE_SERVER = [
  'search_path',
  'statement_timeout',
  'idle_in_transaction_session_timeout',
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'socket_timeout',
  'sslaccept',
  'statement_cache_size',
];

/** `url` without the parameters above; only its query is read and written, so hosts, users and passwords stay as typed. */
export function withoutServerSettings(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  if (!NOT_FOR_THE_SERVER.some((name) => query.has(name))) return url;
  for (const name of NOT_FOR_THE_SERVER) query.delete(name);
  const rest = query.toString();
  return rest ? `${url.slice(0, at)}?${rest}` : url.slice(0, at);
}

export function connect({ url, schema, poolSize, statementTimeoutMs }: PostgresTarget): Database {
  const seconds = (ms: number) => ms / 1_000;
  return postgres(withoutServerSettings(url), {
    max: poolSize,
    // A connection that cannot be made in this time fails its request with 503, as Redis's does.
    connect_timeout: seconds(CONNECT_WAIT_MS),
    // The server's limit on a statement, and the client's own a little after it, for a network that goes silent.
    query_timeout: seconds(statementTimeoutMs + 1_000),
    queue_timeout: seconds(statementTimeoutMs),
    // While the database is away requests fail at once; the pool tries again after this, at most a second apart
    // with jitter, so it is back within about a second of the database (the client's own wait grows to 20 s).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
    // A cancel the server does not answer (it is gone) closes the connection after this, rather than the default 5 s.
    cancel_timeout: 1,
    // Serverless hosts freeze idle processes: their connections go rather than hold a slot on the database.
    idle_timeout: 60,
    types: { epochMs: EPOCH_MS },
    onnotice: () => {},
    connection: {
      application_name: 'session-store',
      // The store's names are unqualified: they resolve in its schema, and a shared database's other tables stay apart.
      search_path: schema,
      statement_timeout: statementTimeoutMs,
      idle_in_transaction_session_timeout: statementTimeoutMs,
    },
  }) as Database;
}

/**
 * Errors that say the database is away, busy or restarting, not that the store asked something wrong: connection
 * failures (08), too many connections or no resources (53), a server shutting down or a connection ended by an
 * administrator (57P01-57P03), a statement cancelled by its timeout (57014), a transaction to retry (40001,
 * 40P01) and a primary that became read-only in a failover (25006). Anything else from the server is a fault.
 */
const UNAVAILABLE = /^(08|53|57P0[1-3]$|57014$|40001$|40P01$|25006$)/;

/** The client's own codes for a connection lost or a wait given up on; the socket's are Node's (ECONNREFUSED, ...). */
const LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'QUERY_TIMEOUT', 'QUEUE_TIMEOUT', 'CANCEL_UNANSWERED']);

/** The error a request should see: `StoreUnavailableError` (503) while the database is away, the error itself otherwise. */
export function classify(error: unknown): unknown {
  if (error instanceof PostgresError) return UNAVAILABLE.test(error.code) ? new StoreUnavailableError(error) : error;
  const code = (error as { code?: unknown } | null)?.code;
  const lost = typeof code === 'string' && (LOST.has(code) || /^E[A-Z_]+$/.test(code));
  return lost ? new StoreUnavailableError(error) : error;
}
