// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import type { Database } from './postgres-connection';

/**
 * The store's tables, as a list of steps: a database is at the version of the last step it took, written in its
 * `session_store_migrations` table, and takes the later ones in order on first use. A step, once released, never changes: a
 * change is a new step at the end. Each runs in the schema (`search_path`), so no name here says which.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: sessions, sign-in attempts and events, as the SQLite store keeps them (times are epoch milliseconds).
  `CREATE TABLE sessions (
    id text PRIMARY KEY,
    username text NOT NULL,
    role text NOT NULL,
    created_at bigint NOT NULL,
    last_activity_at bigint NOT NULL,
    authenticated_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    purge_at bigint NOT NULL,
    remember boolean NOT NULL,
    user_agent text NOT NULL,
    ended_at bigint,
    end_reason text
  );
  -- A keep-alive moves expires_at, so every index of an active row gets a new entry (no HOT update): three, the
  -- fewest that serve the user's list in order, everyone's list and the sweep. Ended rows are only the purge's.
  CREATE INDEX sessions_active_of_user ON sessions (username, expires_at, id) WHERE ended_at IS NULL;
  CREATE INDEX sessions_active_by_deadline ON sessions (expires_at, id) WHERE ended_at IS NULL;
  CREATE INDEX sessions_ended_purge ON sessions (purge_at) WHERE ended_at IS NOT NULL;
  CREATE TABLE sign_in_attempts (
    key text PRIMARY KEY,
    count integer NOT NULL,
    failures integer NOT NULL,
    reset_at bigint NOT NULL,
    held_until bigint NOT NULL
  );
  CREATE INDEX sign_in_attempts_reset ON sign_in_attempts (reset_at);
  CREATE TABLE session_events (
    id text PRIMARY KEY,
    at bigint NOT NULL,
    kind text NOT NULL,
    username text NOT NULL,
    event text NOT NULL
  );
  CREATE INDEX session_events_by_user ON session_events (username, at, id);
  CREATE INDEX session_events_by_kind ON session_events (kind, at, id);
  CREATE INDEX session_events_by_time ON session_events (at, id);`,
  // 2: sessions signed in through an OpenID provider (its subject, its own session, the ID token), found by a
  // back-channel logout from indexes that hold only those; and keys used once (a logout token's jti).
  `ALTER TABLE sessions ADD COLUMN provider_subject text, ADD COLUMN provider_session_id text, ADD COLUMN provider_id_token text;
  CREATE INDEX sessions_active_of_provider_session ON sessions (provider_session_id) WHERE ended_at IS NULL AND provider_session_id IS NOT NULL;
  CREATE INDEX sessions_active_of_provider_subject ON sessions (provider_subject) WHERE ended_at IS NULL AND provider_subject IS NOT NULL;
  CREATE TABLE used_once (
    key text PRIMARY KEY,
    expires_at bigint NOT NULL
  );
  CREATE INDEX used_once_expiry ON used_once (expires_at);`,
];

/** The version the schema is at: 0 when it has no `session_store_migrations` table yet (or no schema at all). */
async function versionOf(sql: Database, schema: string): Promise<number> {
  // `to_regclass` answers NULL for a table that is not there, where a SELECT from it would fail the transaction.
  const [table] = await sql<Array<{ present: boolean }>>`SELECT to_regclass(format('%I.session_store_migrations', ${schema}::text)) IS NOT NULL AS present`;
  if (!table?.present) return 0;
  const [row] = await sql<Array<{ version: number }>>`SELECT coalesce(max(version), 0)::int AS version FROM session_store_migrations`;
  return row?.version ?? 0;
}

/** The tables each step makes: in a schema at an earlier version, a table of one of the later steps' names is someone else's. */
const TABLES_OF_STEP: readonly (readonly string[])[] = [['sessions', 'sign_in_attempts', 'session_events'], ['used_once']];

function refuseLater(schema: string, version: number): void {
  if (version > MIGRATIONS.length) {
    throw new Error(`SESSION_DB_SCHEMA ${schema} is at version ${version} of the session tables, a later one than this app knows (${MIGRATIONS.length}): run the newer app, or give this one a schema of its own`);
  }
}

/**
 * Brings the schema to the last of `MIGRATIONS`, creating it on first use. Instances starting together take turns
 * on an advisory lock, so each step runs once; a schema from a later version of the app is refused, not guessed at.
 * A schema already at the last step is only read: the role the app runs as then needs no right to create anything
 * (a database administrator may have made the tables with another role, and granted this one only their rows).
 * Nor does it need CREATE on the database when the schema is there already, only on the schema.
 */
export async function migrate(sql: Database, schema: string): Promise<void> {
  const current = await versionOf(sql, schema);
  refuseLater(schema, current);
  if (current === MIGRATIONS.length) return;
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`session-store migrations ${schema}`}, 0))`;
    // CREATE SCHEMA IF NOT EXISTS asks for CREATE on the database even when the schema exists.
    const [exists] = await tx`SELECT FROM pg_namespace WHERE nspname = ${schema}`;
    if (!exists) await tx`CREATE SCHEMA ${tx(schema)}`;
    await tx`CREATE TABLE IF NOT EXISTS session_store_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)`;
    const [row] = await tx<Array<{ version: number }>>`SELECT coalesce(max(version), 0)::int AS version FROM session_store_migrations`;
    const version = row?.version ?? 0;
    refuseLater(schema, version);
    const tables = TABLES_OF_STEP.slice(version).flat();
    if (tables.length > 0) {
      // A shared schema (SESSION_DB_SCHEMA=public) may hold the app's own `sessions`: said plainly, and left alone.
      const taken = await tx<Array<{ name: string }>>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${schema} AND table_name IN ${tx(tables)}`;
      if (taken.length > 0) {
        throw new Error(`SESSION_DB_SCHEMA ${schema} holds tables the session store did not make (${taken.map((table) => table.name).join(', ')}): give the store a schema of its own (session_store by default)`);
      }
    }
    for (const [index, step] of MIGRATIONS.entries()) {
      if (index < version) continue;
      await tx.unsafe(step).simple();
      await tx`INSERT INTO session_store_migrations (version, applied_at) VALUES (${index + 1}, ${Date.now()})`;
    }
  });
}
