// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

/** The SQLite store's file: opened with its settings, and its tables and indexes made as they are (no earlier ones). */

// `process.getBuiltinModule` rather than an import: the bundler leaves it alone, and the module loads only when this store is used.
export function openDatabase(path: string): DatabaseSync {
  const sqlite = process.getBuiltinModule?.('node:sqlite') as typeof import('node:sqlite') | undefined;
  if (!sqlite) throw new Error('The embedded session store needs Node.js >= 22.13 (node:sqlite). Run through npm scripts, or set REDIS_URL.');
  const { DatabaseSync: Database } = sqlite;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets several processes (two app instances, a restart) share the file; NORMAL is durable across a process crash.
  // A keep-alive writes every page it changes to the log: its row, and its entry in each index over a column it
  // moves. With 1 KiB pages (a file's first pragma decides; a file made before keeps its 4 KiB) those pages are a
  // quarter of the bytes, and the log is checkpointed at SQLite's default 4 MB still, now 4,000 pages (bench/profile.md).
  db.exec(`
    PRAGMA page_size = 1024;
    PRAGMA journal_mode = WAL;
    PRAGMA wal_autocheckpoint = 4000;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL,
      role TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_activity_at INTEGER NOT NULL,
      authenticated_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      purge_at INTEGER NOT NULL,
      remember INTEGER NOT NULL,
      user_agent TEXT NOT NULL,
      ended_at INTEGER,
      end_reason TEXT,
      provider_subject TEXT,
      provider_session_id TEXT,
      provider_id_token TEXT
    ) STRICT;
    -- A keep-alive moves expires_at and purge_at, so only the index of the active sessions by deadline (the sweep's,
    -- and the listing order of everyone's) has an entry that moves with it. A user's own few sessions are found
    -- by name and sorted; ended sessions, whose purge time no longer moves, are the only ones the purge index holds.
    CREATE INDEX IF NOT EXISTS sessions_active_of_user ON sessions (username) WHERE ended_at IS NULL;
    CREATE INDEX IF NOT EXISTS sessions_active_by_deadline ON sessions (expires_at, id) WHERE ended_at IS NULL;
    CREATE INDEX IF NOT EXISTS sessions_ended_purge ON sessions (purge_at) WHERE ended_at IS NOT NULL;
    CREATE TABLE IF NOT EXISTS sign_in_attempts (
      key TEXT PRIMARY KEY,
      count INTEGER NOT NULL,
      failures INTEGER NOT NULL,
      reset_at INTEGER NOT NULL,
      held_until INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS sign_in_attempts_reset ON sign_in_attempts (reset_at);
    -- The event whole as JSON (event-schema.ts), beside the columns its listings filter and order by.
    CREATE TABLE IF NOT EXISTS session_events (
      id TEXT PRIMARY KEY,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      username TEXT NOT NULL,
      event TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS session_events_by_user ON session_events (username, at, id);
    CREATE INDEX IF NOT EXISTS session_events_by_kind ON session_events (kind, at, id);
    CREATE INDEX IF NOT EXISTS session_events_by_time ON session_events (at, id);
    -- Keys used once (a logout token's jti), each until its expiry.
    CREATE TABLE IF NOT EXISTS used_once (
      key TEXT PRIMARY KEY,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS used_once_expiry ON used_once (expires_at);
  `);
  refuseEarlierLayout(db, path);
  addProviderColumns(db);
  // A back-channel logout finds its sessions by the provider's session or subject; only the few sessions signed in
  // through the provider have an entry, and none moves with a keep-alive.
  db.exec(`
    CREATE INDEX IF NOT EXISTS sessions_active_of_provider_session ON sessions (provider_session_id) WHERE ended_at IS NULL AND provider_session_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS sessions_active_of_provider_subject ON sessions (provider_subject) WHERE ended_at IS NULL AND provider_subject IS NOT NULL;
  `);
  return db;
}

/**
 * A file made before sign-in through a provider lacks its three columns, which every older row leaves empty: added in
 * place, under the write lock, so that two processes opening the file at once add them once.
 */
function addProviderColumns(db: DatabaseSync): void {
  const missing = () => {
    const present = new Set((db.prepare("SELECT name FROM pragma_table_info('sessions')").all() as Array<{ name: string }>).map((column) => column.name));
    return PROVIDER_COLUMNS.filter((column) => !present.has(column));
  };
  if (missing().length === 0) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const column of missing()) db.exec(`ALTER TABLE sessions ADD COLUMN ${column} TEXT`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

const PROVIDER_COLUMNS = ['provider_subject', 'provider_session_id', 'provider_id_token'] as const;

/** The columns a file of an earlier layout lacks; such a file is refused at once, naming it, rather than failing each request. */
const LATER_COLUMNS = [['sessions', 'authenticated_at'], ['sign_in_attempts', 'held_until']] as const;

function refuseEarlierLayout(db: DatabaseSync, path: string): void {
  const has = (table: string, name: string) => (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as Array<{ name: string }>).some((column) => column.name === name);
  const missing = LATER_COLUMNS.filter(([table, column]) => !has(table, column));
  if (missing.length === 0) return;
  db.close();
  throw new Error(`SESSION_DB_PATH ${path} holds sessions in an earlier layout (no ${missing.map(([table, column]) => `${table}.${column}`).join(', ')}): move it away or delete it, and the store starts a new one`);
}
