// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import type { DatabaseSync } from 'node:sqlite';
import { LocalEnds } from './local-ends';
import { openDatabase } from './sqlite-schema';
import { parseSessionEvent, serializeSessionEvent, type SessionEvent } from './event-schema';
import { parseSessionRecord, providerColumns, providerOf } from './record-schema';
import {
  EVENTS_RETENTION_MS,
  KEEP_ENDED_MS,
  RESERVATION_HOLD_MS,
  type AttemptCount,
  type EndedRecord,
  type EndNotice,
  type EndReason,
  type EventFilter,
  type EventPage,
  type LapsedEntry,
  type NewSessionRecord,
  type PageRequest,
  type ProviderMatch,
  type SessionKey,
  type SessionPage,
  type SessionRecord,
  type SessionStore,
  type StoreOptions,
} from './types';

// Ending a record keeps it until `:keep` after it ended, or after its expiry if that came first.
const END_SET = 'ended_at = :at, end_reason = :reason, purge_at = MIN(:at, expires_at) + :keep';

function prepareStatements(db: DatabaseSync) {
  const prepare = (text: string) => db.prepare(text);
  return {
    insert: prepare(`INSERT INTO sessions (id, username, role, created_at, last_activity_at, authenticated_at, expires_at, purge_at, remember, user_agent,
        provider_subject, provider_session_id, provider_id_token)
      VALUES (:id, :username, :role, :createdAt, :lastActivityAt, :authenticatedAt, :expiresAt, :expiresAt + :keep, :remember, :userAgent,
        :providerSubject, :providerSessionId, :providerIdToken)`),
    // The user's active sessions but the newest `:kept` by last activity, and the new one.
    endBeyondCap: prepare(`UPDATE sessions SET ${END_SET} WHERE id IN (
        SELECT id FROM sessions WHERE username = :username AND id <> :id AND ended_at IS NULL AND expires_at > :at
        ORDER BY last_activity_at DESC, id DESC LIMIT -1 OFFSET :kept) RETURNING *`),
    get: prepare('SELECT * FROM sessions WHERE id = ?'),
    touch: prepare(`UPDATE sessions SET last_activity_at = MAX(last_activity_at, :lastActivityAt), expires_at = MAX(expires_at, :expiresAt),
        purge_at = MAX(expires_at, :expiresAt) + :keep
      WHERE id = :id AND ended_at IS NULL AND expires_at > :now RETURNING *`),
    markAuthenticated: prepare(`UPDATE sessions SET authenticated_at = MAX(authenticated_at, :at)
      WHERE id = :id AND ended_at IS NULL AND expires_at > :at`),
    end: prepare(`UPDATE sessions SET ${END_SET} WHERE id = :id AND ended_at IS NULL`),
    endOthers: prepare(`UPDATE sessions SET ${END_SET} WHERE username = :username AND id <> :keepId AND ended_at IS NULL AND expires_at > :at RETURNING *`),
    // Ended at its own expiry, and only while nothing has ended or extended it: the condition is the race's referee.
    lapse: prepare(`UPDATE sessions SET ended_at = expires_at, purge_at = expires_at + :keep,
        end_reason = CASE WHEN expires_at >= created_at + :absoluteMs THEN 'absolute' ELSE 'idle' END
      WHERE id = :id AND ended_at IS NULL AND expires_at <= :now RETURNING *`),
    lapsedSince: prepare('SELECT id, username FROM sessions WHERE ended_at IS NULL AND expires_at <= ? ORDER BY expires_at, id LIMIT ?'),
    insertEvent: prepare('INSERT OR IGNORE INTO session_events (id, at, kind, username, event) VALUES (?, ?, ?, ?, ?)'),
    purgeEvents: prepare('DELETE FROM session_events WHERE at <= ?'),
    pageByUser: prepare(`SELECT * FROM sessions WHERE username = ? AND ended_at IS NULL AND expires_at > ?
      ORDER BY expires_at DESC, id DESC LIMIT ? OFFSET ?`),
    countByUser: prepare('SELECT count(*) AS total FROM sessions WHERE username = ? AND ended_at IS NULL AND expires_at > ?'),
    pageAll: prepare('SELECT * FROM sessions WHERE ended_at IS NULL AND expires_at > ? ORDER BY expires_at DESC, id DESC LIMIT ? OFFSET ?'),
    countAll: prepare('SELECT count(*) AS total FROM sessions WHERE ended_at IS NULL AND expires_at > ?'),
    // Each half by its own index: an active session's purge time is never before its expiry.
    purgeEnded: prepare('DELETE FROM sessions WHERE ended_at IS NOT NULL AND purge_at <= :now'),
    purgeActive: prepare('DELETE FROM sessions WHERE ended_at IS NULL AND expires_at <= :now AND purge_at <= :now'),
    purgeAttempts: prepare('DELETE FROM sign_in_attempts WHERE reset_at <= ?'),
    purgeUsedOnce: prepare('DELETE FROM used_once WHERE expires_at <= ?'),
    releaseOnce: prepare('DELETE FROM used_once WHERE key = ?'),
    ofProviderSession: prepare(`SELECT id, username FROM sessions WHERE provider_session_id = :sessionId AND (:subject IS NULL OR provider_subject = :subject)
      AND ended_at IS NULL AND expires_at > :now`),
    ofProviderSubject: prepare('SELECT id, username FROM sessions WHERE provider_subject = :subject AND ended_at IS NULL AND expires_at > :now'),
    // A row comes back only when the key is new here, or its earlier use has expired.
    useOnce: prepare(`INSERT INTO used_once (key, expires_at) VALUES (:key, :expiresAt)
      ON CONFLICT (key) DO UPDATE SET expires_at = :expiresAt WHERE expires_at <= :now RETURNING key`),
    // One statement, so concurrent attempts each get their own count; a closed window starts over, and reservations
    // whose hold has lapsed (never released) no longer count.
    reserve: prepare(`INSERT INTO sign_in_attempts (key, count, failures, reset_at, held_until) VALUES (:key, 1, 0, :resetAt, :heldUntil)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN reset_at <= :now THEN 1 WHEN held_until <= :now THEN failures + 1 ELSE count + 1 END,
        failures = CASE WHEN reset_at <= :now THEN 0 ELSE failures END,
        reset_at = CASE WHEN reset_at <= :now THEN :resetAt ELSE reset_at END,
        held_until = :heldUntil
      RETURNING count, failures, reset_at`),
    // The reservation becomes a failure; should its hold have lapsed meanwhile, and the key even been forgotten, the
    // failure still counts in its window.
    fail: prepare(`INSERT INTO sign_in_attempts (key, count, failures, reset_at, held_until) VALUES (:key, 1, 1, :resetAt, 0)
      ON CONFLICT (key) DO UPDATE SET failures = failures + 1, count = MAX(count, failures + 1) WHERE reset_at = :resetAt`),
    release: prepare(`UPDATE sign_in_attempts SET
        count = CASE WHEN :forget THEN MAX(0, count - 1 - failures) ELSE MAX(failures, count - 1) END,
        failures = CASE WHEN :forget THEN 0 ELSE failures END
      WHERE key = :key AND reset_at = :resetAt`),
    // A key with nothing counted is forgotten, so names that were only ever refused leave no rows.
    forgetEmpty: prepare('DELETE FROM sign_in_attempts WHERE key = ? AND count = 0'),
  };
}

type Row = Record<string, unknown>;

// Columns to the record's names, values as SQLite holds them (STRICT columns keep the times integers);
// NULL is how SQLite says "not ended". Everything else is the schema's to judge.
function toRecord(row: Row | undefined): SessionRecord | undefined {
  if (!row) return undefined;
  return parseSessionRecord({
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    lastActivityAt: row.last_activity_at,
    authenticatedAt: row.authenticated_at,
    expiresAt: row.expires_at,
    purgeAt: row.purge_at,
    remember: row.remember === 1 ? true : row.remember === 0 ? false : row.remember,
    userAgent: row.user_agent,
    endedAt: row.ended_at ?? undefined,
    endReason: row.end_reason ?? undefined,
    providerLink: providerOf(row.provider_subject, row.provider_session_id, row.provider_id_token),
  });
}

const records = (rows: Row[]): SessionRecord[] => rows.flatMap((row) => toRecord(row) ?? []);

/** The embedded default: one SQLite file, no set-up, and what it holds survives a restart. */
export class SqliteSessionStore implements SessionStore {
  private readonly db: DatabaseSync;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly keep: number;
  private readonly retention: number;

  constructor(path: string, { keepEndedMs = KEEP_ENDED_MS, eventsRetentionMs = EVENTS_RETENTION_MS }: StoreOptions = {}) {
    this.db = openDatabase(path);
    this.sql = prepareStatements(this.db);
    this.keep = keepEndedMs;
    this.retention = eventsRetentionMs;
  }

  async create(record: NewSessionRecord, maxActive: number): Promise<SessionRecord[]> {
    this.flush();
    const at = record.createdAt;
    // IMMEDIATE takes the write lock at once, so another process sharing the file cannot count the same sessions meanwhile.
    return this.transaction(() => {
      const { providerLink, ...fields } = record;
      this.sql.insert.run({ ...fields, ...providerColumns(providerLink), remember: record.remember ? 1 : 0, keep: this.keep });
      // Counting reads the index; only past the cap do the user's sessions get sorted by activity.
      const active = Number((this.sql.countByUser.get(record.username, at) as Row).total);
      const ended = active > maxActive ? this.sql.endBeyondCap.all({ username: record.username, id: record.id, at, reason: 'session-limit', keep: this.keep, kept: maxActive - 1 }) : [];
      return records(ended as Row[]);
    });
  }

  /** `work` in one `BEGIN IMMEDIATE` transaction: committed if it returns, rolled back if anything in it throws. */
  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      // A failed COMMIT may have rolled back already; the error to report is the first one.
      try {
        this.db.exec('ROLLBACK');
      } catch {}
      throw error;
    }
  }

  async get(id: string, username?: string): Promise<SessionRecord | undefined> {
    this.flush();
    const record = toRecord(this.sql.get.get(id) as Row | undefined);
    return username === undefined || record?.username === username ? record : undefined;
  }

  async touch(id: string, lastActivityAt: number, expiresAt: number, now: number): Promise<SessionRecord | undefined> {
    const batch = this.touches ?? this.openTouches();
    const index = batch.queued.push({ id, lastActivityAt, expiresAt, now, keep: this.keep }) - 1;
    const rows = await batch.done;
    return toRecord(rows[index]) ?? this.get(id);
  }

  /**
   * Keep-alives that reach the store in the same turn of the event loop are written together in one transaction
   * at the start of the next turn: a commit is most of what a touch costs (its pages written to the log), and
   * under load about five share each. The write lock is held only while their updates run, never across a turn,
   * so another process sharing the file waits no longer than for one touch of its own. Each keep-alive answers
   * once its commit is done. Every other method writes the queued touches first, so calls keep their order.
   */
  private touches: { queued: Array<Record<string, number | string>>; done: Promise<Array<Row | undefined>>; write: () => void } | undefined;

  private openTouches() {
    const { promise: done, resolve, reject } = Promise.withResolvers<Array<Row | undefined>>();
    const batch = {
      queued: [] as Array<Record<string, number | string>>,
      done,
      write: () => {
        if (this.touches !== batch) return;
        this.touches = undefined;
        try {
          // `all`, not `get`: a RETURNING statement left unfinished holds its transaction open, and SQLite can
          // then never checkpoint the write-ahead log, which grows with every keep-alive.
          resolve(this.transaction(() => batch.queued.map((touch) => this.sql.touch.all(touch)[0] as Row | undefined)));
        } catch (error) {
          reject(error);
        }
      },
    };
    this.touches = batch;
    setImmediate(batch.write);
    return batch;
  }

  /** Writes the keep-alives queued in this turn, if any: the first step of every other method. */
  private flush(): void {
    this.touches?.write();
  }

  async markAuthenticated(id: string, at: number): Promise<SessionRecord | undefined> {
    this.flush();
    this.sql.markAuthenticated.run({ id, at });
    return this.get(id);
  }

  async end(id: string, reason: EndReason, at: number): Promise<EndedRecord | undefined> {
    this.flush();
    const { changes } = this.sql.end.run({ id, reason, at, keep: this.keep });
    const record = await this.get(id);
    return record && { ...record, endedNow: changes > 0 };
  }

  async endOthers(username: string, keepId: string, reason: EndReason, at: number): Promise<SessionRecord[]> {
    this.flush();
    return records(this.sql.endOthers.all({ username, keepId, reason, at, keep: this.keep }) as Row[]);
  }

  async lapse(id: string, username: string, now: number, absoluteMs: number): Promise<SessionRecord | undefined> {
    this.flush();
    const record = toRecord(this.sql.lapse.all({ id, now, absoluteMs, keep: this.keep })[0] as Row | undefined);
    return record?.username === username ? record : undefined;
  }

  async lapsedSince(now: number, limit: number): Promise<LapsedEntry[]> {
    this.flush();
    return (this.sql.lapsedSince.all(now, limit) as Row[]).map((row) => ({ id: String(row.id), username: String(row.username) }));
  }

  async appendEvent(event: SessionEvent): Promise<void> {
    this.flush();
    this.sql.insertEvent.run(event.id, event.at, event.kind, event.username, serializeSessionEvent(event));
  }

  async listEvents({ username, kind }: EventFilter, now: number, { offset, limit }: PageRequest): Promise<EventPage> {
    this.flush();
    // Built from fixed pieces only; the values go in as parameters. SQLite picks the index for the filter given.
    const where = ['at > ?', ...(username === undefined ? [] : ['username = ?']), ...(kind === undefined ? [] : ['kind = ?'])].join(' AND ');
    const values = [now - this.retention, ...(username === undefined ? [] : [username]), ...(kind === undefined ? [] : [kind])];
    const rows = this.db.prepare(`SELECT event FROM session_events WHERE ${where} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`).all(...values, limit, offset) as Row[];
    const counted = this.db.prepare(`SELECT count(*) AS total FROM session_events WHERE ${where}`).get(...values) as Row;
    return { events: rows.flatMap((row) => parseSessionEvent(String(row.event)) ?? []), total: Number(counted.total) };
  }

  async purgeEvents(now: number): Promise<number> {
    this.flush();
    return Number(this.sql.purgeEvents.run(now - this.retention).changes);
  }

  async listByUser(username: string, now: number, { offset, limit }: PageRequest): Promise<SessionPage> {
    this.flush();
    const rows = this.sql.pageByUser.all(username, now, limit, offset) as Row[];
    const counted = this.sql.countByUser.get(username, now) as Row;
    return { records: rows.flatMap((row) => toRecord(row) ?? []), total: Number(counted.total) };
  }

  async listAll(now: number, { offset, limit }: PageRequest): Promise<SessionPage> {
    this.flush();
    const rows = this.sql.pageAll.all(now, limit, offset) as Row[];
    const counted = this.sql.countAll.get(now) as Row;
    return { records: rows.flatMap((row) => toRecord(row) ?? []), total: Number(counted.total) };
  }

  async providerSessions({ subject, sessionId }: ProviderMatch, now: number): Promise<SessionKey[]> {
    this.flush();
    const rows = sessionId === undefined ? this.sql.ofProviderSubject.all({ subject: subject ?? null, now }) : this.sql.ofProviderSession.all({ sessionId, subject: subject ?? null, now });
    return (rows as Row[]).map((row) => ({ id: String(row.id), username: String(row.username) }));
  }

  async useOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    this.flush();
    return this.sql.useOnce.all({ key, expiresAt, now }).length > 0;
  }

  async releaseOnce(key: string): Promise<void> {
    this.flush();
    this.sql.releaseOnce.run(key);
  }

  async purgeExpired(now: number): Promise<number> {
    this.flush();
    this.sql.purgeAttempts.run(now);
    this.sql.purgeUsedOnce.run(now);
    return Number(this.sql.purgeEnded.run({ now }).changes) + Number(this.sql.purgeActive.run({ now }).changes);
  }

  async reserveAttempt(key: string, windowMs: number, now: number): Promise<AttemptCount> {
    this.flush();
    const row = this.sql.reserve.all({ key, now, resetAt: now + windowMs, heldUntil: now + RESERVATION_HOLD_MS })[0] as Row;
    return { count: Number(row.count), failures: Number(row.failures), resetAt: Number(row.reset_at) };
  }

  async failAttempt(key: string, resetAt: number): Promise<void> {
    this.flush();
    this.sql.fail.run({ key, resetAt });
  }

  async releaseAttempt(key: string, resetAt: number, forgetFailures = false): Promise<void> {
    this.flush();
    this.sql.release.run({ key, resetAt, forget: forgetFailures ? 1 : 0 });
    this.sql.forgetEmpty.run(key);
  }

  readonly #ends = new LocalEnds();

  announceEnd(notice: EndNotice): Promise<void> {
    return this.#ends.announceEnd(notice);
  }

  listenForEnds(username: string, onEnd: (notice: EndNotice) => void): Promise<() => Promise<void>> {
    return this.#ends.listenForEnds(username, onEnd);
  }

  async close(): Promise<void> {
    this.flush();
    if (this.db.isOpen) this.db.close();
  }
}
