import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import {
  END_REASONS,
  KEEP_ENDED_MS,
  type EndReason,
  type FailureCount,
  type NewSessionRecord,
  type PageRequest,
  type SessionPage,
  type SessionRecord,
  type SessionStore,
  type StoreOptions,
} from './types';
import { ROLES, type Role } from '../session-policy';

// `process.getBuiltinModule` rather than an import: the bundler leaves it alone, and the module loads only when this store is used.
function openDatabase(path: string): DatabaseSync {
  const sqlite = process.getBuiltinModule?.('node:sqlite') as typeof import('node:sqlite') | undefined;
  if (!sqlite) throw new Error('The embedded session store needs Node.js >= 22.13 (node:sqlite). Run through npm scripts, or set REDIS_URL.');
  const { DatabaseSync: Database } = sqlite;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets several processes (two app instances, a restart) share the file; NORMAL is durable across a process crash.
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL,
      role TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_activity_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      purge_at INTEGER NOT NULL,
      remember INTEGER NOT NULL,
      user_agent TEXT NOT NULL,
      ended_at INTEGER,
      end_reason TEXT
    ) STRICT;
    -- The active sessions in listing order, per user and overall: a page and its count read the index alone.
    -- (The two dropped first are the same without the order's tie-break, from files written before.)
    DROP INDEX IF EXISTS sessions_active_by_user;
    DROP INDEX IF EXISTS sessions_active;
    CREATE INDEX IF NOT EXISTS sessions_active_by_user_deadline ON sessions (username, expires_at, id) WHERE ended_at IS NULL;
    CREATE INDEX IF NOT EXISTS sessions_active_by_deadline ON sessions (expires_at, id) WHERE ended_at IS NULL;
    CREATE INDEX IF NOT EXISTS sessions_purge ON sessions (purge_at);
    CREATE TABLE IF NOT EXISTS failures (key TEXT PRIMARY KEY, count INTEGER NOT NULL, reset_at INTEGER NOT NULL) STRICT;
    CREATE INDEX IF NOT EXISTS failures_reset ON failures (reset_at);
  `);
  return db;
}

// Ending a record keeps it until `:keep` after it ended, or after its expiry if that came first.
const END_SET = 'ended_at = :at, end_reason = :reason, purge_at = MIN(:at, expires_at) + :keep';

function prepareStatements(db: DatabaseSync) {
  const prepare = (text: string) => db.prepare(text);
  return {
    insert: prepare(`INSERT INTO sessions (id, username, role, created_at, last_activity_at, expires_at, purge_at, remember, user_agent)
      VALUES (:id, :username, :role, :createdAt, :lastActivityAt, :expiresAt, :expiresAt + :keep, :remember, :userAgent)`),
    // The user's active sessions but the newest `:kept` by last activity, and the new one.
    endBeyondCap: prepare(`UPDATE sessions SET ${END_SET} WHERE id IN (
        SELECT id FROM sessions WHERE username = :username AND id <> :id AND ended_at IS NULL AND expires_at > :at
        ORDER BY last_activity_at DESC, id DESC LIMIT -1 OFFSET :kept)`),
    get: prepare('SELECT * FROM sessions WHERE id = ?'),
    touch: prepare(`UPDATE sessions SET last_activity_at = MAX(last_activity_at, :lastActivityAt), expires_at = MAX(expires_at, :expiresAt),
        purge_at = MAX(expires_at, :expiresAt) + :keep
      WHERE id = :id AND ended_at IS NULL AND expires_at > :now RETURNING *`),
    end: prepare(`UPDATE sessions SET ${END_SET} WHERE id = :id AND ended_at IS NULL`),
    endOthers: prepare(`UPDATE sessions SET ${END_SET} WHERE username = :username AND id <> :keepId AND ended_at IS NULL AND expires_at > :at`),
    pageByUser: prepare(`SELECT * FROM sessions WHERE username = ? AND ended_at IS NULL AND expires_at > ?
      ORDER BY expires_at DESC, id DESC LIMIT ? OFFSET ?`),
    countByUser: prepare('SELECT count(*) AS total FROM sessions WHERE username = ? AND ended_at IS NULL AND expires_at > ?'),
    pageAll: prepare('SELECT * FROM sessions WHERE ended_at IS NULL AND expires_at > ? ORDER BY expires_at DESC, id DESC LIMIT ? OFFSET ?'),
    countAll: prepare('SELECT count(*) AS total FROM sessions WHERE ended_at IS NULL AND expires_at > ?'),
    purgeSessions: prepare('DELETE FROM sessions WHERE purge_at <= ?'),
    purgeFailures: prepare('DELETE FROM failures WHERE reset_at <= ?'),
    failure: prepare(`INSERT INTO failures (key, count, reset_at) VALUES (:key, 1, :resetAt)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN reset_at <= :now THEN 1 ELSE count + 1 END,
        reset_at = CASE WHEN reset_at <= :now THEN :resetAt ELSE reset_at END
      RETURNING count, reset_at`),
    failures: prepare('SELECT count, reset_at FROM failures WHERE key = ? AND reset_at > ?'),
    clearFailures: prepare('DELETE FROM failures WHERE key = ?'),
  };
}

type Row = Record<string, unknown>;

function toRecord(row: Row | undefined): SessionRecord | undefined {
  if (!row) return undefined;
  const role = ROLES.includes(row.role as Role) ? (row.role as Role) : 'user';
  const record: SessionRecord = {
    id: String(row.id),
    username: String(row.username),
    role,
    createdAt: Number(row.created_at),
    lastActivityAt: Number(row.last_activity_at),
    expiresAt: Number(row.expires_at),
    purgeAt: Number(row.purge_at),
    remember: row.remember === 1,
    userAgent: String(row.user_agent),
  };
  if (row.ended_at !== null && row.ended_at !== undefined) {
    record.endedAt = Number(row.ended_at);
    record.endReason = END_REASONS.includes(row.end_reason as EndReason) ? (row.end_reason as EndReason) : 'revoked';
  }
  return record;
}

/** The embedded default: one SQLite file, no set-up, and what it holds survives a restart. */
export class SqliteSessionStore implements SessionStore {
  readonly kind = 'sqlite';
  private readonly db: DatabaseSync;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly keep: number;

  constructor(path: string, { keepEndedMs = KEEP_ENDED_MS }: StoreOptions = {}) {
    this.db = openDatabase(path);
    this.sql = prepareStatements(this.db);
    this.keep = keepEndedMs;
  }

  async create(record: NewSessionRecord, maxActive: number): Promise<number> {
    const at = record.createdAt;
    // IMMEDIATE takes the write lock at once, so another process sharing the file cannot count the same sessions meanwhile.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.sql.insert.run({ ...record, remember: record.remember ? 1 : 0, keep: this.keep });
      // Counting reads the index; only past the cap do the user's sessions get sorted by activity.
      const active = Number((this.sql.countByUser.get(record.username, at) as Row).total);
      const ended = active > maxActive ? this.sql.endBeyondCap.run({ username: record.username, id: record.id, at, reason: 'session-limit', keep: this.keep, kept: maxActive - 1 }).changes : 0;
      this.db.exec('COMMIT');
      return Number(ended);
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    return toRecord(this.sql.get.get(id) as Row | undefined);
  }

  async touch(id: string, lastActivityAt: number, expiresAt: number, now: number): Promise<SessionRecord | undefined> {
    // `all`, not `get`: a RETURNING statement left unfinished holds its transaction open, and SQLite can
    // then never checkpoint the write-ahead log, which grows with every keep-alive.
    const rows = this.sql.touch.all({ id, lastActivityAt, expiresAt, now, keep: this.keep });
    return toRecord(rows[0] as Row | undefined) ?? this.get(id);
  }

  async end(id: string, reason: EndReason, at: number): Promise<SessionRecord | undefined> {
    this.sql.end.run({ id, reason, at, keep: this.keep });
    return this.get(id);
  }

  async endOthers(username: string, keepId: string, reason: EndReason, at: number): Promise<number> {
    return Number(this.sql.endOthers.run({ username, keepId, reason, at, keep: this.keep }).changes);
  }

  async listByUser(username: string, now: number, { offset, limit }: PageRequest): Promise<SessionPage> {
    const rows = this.sql.pageByUser.all(username, now, limit, offset) as Row[];
    const counted = this.sql.countByUser.get(username, now) as Row;
    return { records: rows.flatMap((row) => toRecord(row) ?? []), total: Number(counted.total) };
  }

  async listAll(now: number, { offset, limit }: PageRequest): Promise<SessionPage> {
    const rows = this.sql.pageAll.all(now, limit, offset) as Row[];
    const counted = this.sql.countAll.get(now) as Row;
    return { records: rows.flatMap((row) => toRecord(row) ?? []), total: Number(counted.total) };
  }

  async purgeExpired(now: number): Promise<number> {
    this.sql.purgeFailures.run(now);
    return Number(this.sql.purgeSessions.run(now).changes);
  }

  async recordFailure(key: string, windowMs: number, now: number): Promise<FailureCount> {
    const row = this.sql.failure.all({ key, now, resetAt: now + windowMs })[0] as Row;
    return { count: Number(row.count), resetAt: Number(row.reset_at) };
  }

  async failures(key: string, now: number): Promise<FailureCount> {
    const row = this.sql.failures.get(key, now) as Row | undefined;
    return row ? { count: Number(row.count), resetAt: Number(row.reset_at) } : { count: 0, resetAt: 0 };
  }

  async clearFailures(key: string): Promise<void> {
    this.sql.clearFailures.run(key);
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
