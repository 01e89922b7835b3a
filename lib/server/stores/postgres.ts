// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import type { PendingQuery, Row } from 'postgres';
import { classify, connect, type Database, type PostgresTarget } from './postgres-connection';
import { PostgresEnds } from './postgres-ends';
import { migrate } from './postgres-schema';
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

export type { PostgresTarget };

// Columns to the record's names; NULL is how the table says "not ended". Everything else is the schema's to judge.
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
    remember: row.remember,
    userAgent: row.user_agent,
    endedAt: row.ended_at ?? undefined,
    endReason: row.end_reason ?? undefined,
    providerLink: providerOf(row.provider_subject, row.provider_session_id, row.provider_id_token),
  });
}

const records = (rows: readonly Row[]): SessionRecord[] => rows.flatMap((row) => toRecord(row) ?? []);

/**
 * Sessions in Postgres, shared by every app instance that reaches the database, in tables of their own schema
 * (`SESSION_DB_SCHEMA`) made on first use (postgres-schema.ts). Each method is one statement, or one batch that
 * commits or fails whole, so its atomicity is the database's: a conditional `UPDATE … RETURNING` is the referee of
 * every race, with no read before it. While the database is away every call fails at once with
 * `StoreUnavailableError` (503), and the pool connects again by itself when it is back.
 */
export class PostgresSessionStore implements SessionStore {
  private readonly sql: Database;
  private readonly schema: string;
  private readonly keep: number;
  private readonly retention: number;
  private ready: Promise<void> | undefined;
  private readonly ends: PostgresEnds;

  constructor(target: PostgresTarget, { keepEndedMs = KEEP_ENDED_MS, eventsRetentionMs = EVENTS_RETENTION_MS }: StoreOptions = {}) {
    this.sql = connect(target);
    this.schema = target.schema;
    this.keep = keepEndedMs;
    this.retention = eventsRetentionMs;
    this.ends = new PostgresEnds(this.sql, target.schema);
  }

  /** `work` once the schema is there (made on the first call that finds it missing), its errors classified. */
  private async run<T>(work: (sql: Database) => Promise<T>): Promise<T> {
    try {
      this.ready ??= migrate(this.sql, this.schema).catch((error: unknown) => {
        this.ready = undefined;
        throw error;
      });
      await this.ready;
      return await work(this.sql);
    } catch (error) {
      throw classify(error);
    }
  }

  /** A statement whose rows are session records: the first, or none. */
  private async one(query: (sql: Database) => PendingQuery<Row[]>): Promise<SessionRecord | undefined> {
    return toRecord((await this.run(query))[0]);
  }

  // Ending a record keeps it until `keep` after it ended, or after its expiry if that came first.
  private endSet(sql: Database, reason: EndReason, at: number) {
    return sql`ended_at = ${at}, end_reason = ${reason}, purge_at = LEAST(${at}, expires_at) + ${this.keep}`;
  }

  /**
   * One batch, so one transaction: the user's advisory lock makes creates of one user take turns (each then counts
   * the others' committed rows), the insert, and the ends of the user's least recently active sessions past the cap.
   */
  async create(record: NewSessionRecord, maxActive: number): Promise<SessionRecord[]> {
    const { id, username, role, createdAt: at, lastActivityAt, authenticatedAt, expiresAt, remember, userAgent } = record;
    const { providerSubject, providerSessionId, providerIdToken } = providerColumns(record.providerLink);
    const [, , ended] = await this.run((sql) =>
      sql.batch([
        sql`SELECT pg_advisory_xact_lock(hashtext(${this.schema}), hashtext(${username}))`,
        sql`INSERT INTO sessions (id, username, role, created_at, last_activity_at, authenticated_at, expires_at, purge_at, remember, user_agent,
            provider_subject, provider_session_id, provider_id_token)
          VALUES (${id}, ${username}, ${role}, ${at}, ${lastActivityAt}, ${authenticatedAt}, ${expiresAt}, ${expiresAt + this.keep}, ${remember}, ${userAgent},
            ${providerSubject}, ${providerSessionId}, ${providerIdToken})`,
        // No cap (`Infinity`, as the bench seeds) has nothing to end.
        ...(Number.isFinite(maxActive) ? [this.endBeyondCap(sql, username, id, at, maxActive)] : []),
      ]),
    );
    return records(ended ?? []);
  }

  /**
   * Ends the user's least recently active sessions past the first `maxActive`, the new one `id` kept. Only past the
   * cap are they sorted: whether a session follows the first `maxActive` reads at most that many index entries, and
   * when none does, a one-time filter skips the rest.
   */
  private endBeyondCap(sql: Database, username: string, id: string, at: number, maxActive: number) {
    return sql`UPDATE sessions SET ${this.endSet(sql, 'session-limit', at)} WHERE ended_at IS NULL
      AND EXISTS (SELECT FROM sessions WHERE username = ${username} AND ended_at IS NULL AND expires_at > ${at} OFFSET ${maxActive})
      AND id IN (SELECT id FROM sessions WHERE username = ${username} AND id <> ${id} AND ended_at IS NULL AND expires_at > ${at}
        ORDER BY last_activity_at DESC, id DESC OFFSET ${maxActive - 1}) RETURNING *`;
  }

  async get(id: string, username?: string): Promise<SessionRecord | undefined> {
    const record = await this.one((sql) => sql`SELECT * FROM sessions WHERE id = ${id}`);
    return username === undefined || record?.username === username ? record : undefined;
  }

  /**
   * The record as `change` left it, or, when it changed nothing, as it is now: read by a statement of its own, whose
   * snapshot comes after whatever made the change refuse. (In one statement the read would share the update's
   * snapshot, taken before a sign-out it waited for committed: it would answer "active" for a record just ended.)
   */
  private async changedOrAsIs(id: string, change: (sql: Database) => PendingQuery<Row[]>): Promise<SessionRecord | undefined> {
    const changed = (await this.run(change))[0];
    return changed ? toRecord(changed) : this.get(id);
  }

  async touch(id: string, lastActivityAt: number, expiresAt: number, now: number): Promise<SessionRecord | undefined> {
    return this.changedOrAsIs(
      id,
      (sql) => sql`UPDATE sessions SET last_activity_at = GREATEST(last_activity_at, ${lastActivityAt}), expires_at = GREATEST(expires_at, ${expiresAt}),
          purge_at = GREATEST(expires_at, ${expiresAt}) + ${this.keep}
        WHERE id = ${id} AND ended_at IS NULL AND expires_at > ${now} RETURNING *`,
    );
  }

  async markAuthenticated(id: string, at: number): Promise<SessionRecord | undefined> {
    return this.changedOrAsIs(
      id,
      (sql) => sql`UPDATE sessions SET authenticated_at = GREATEST(authenticated_at, ${at}) WHERE id = ${id} AND ended_at IS NULL AND expires_at > ${at} RETURNING *`,
    );
  }

  async end(id: string, reason: EndReason, at: number): Promise<EndedRecord | undefined> {
    const ended = (await this.run((sql) => sql`UPDATE sessions SET ${this.endSet(sql, reason, at)} WHERE id = ${id} AND ended_at IS NULL RETURNING *`))[0];
    // Ended before: as it is now, read after whatever ended it (see changedOrAsIs).
    const record = ended ? toRecord(ended) : await this.get(id);
    return record && { ...record, endedNow: ended !== undefined };
  }

  async endOthers(username: string, keepId: string, reason: EndReason, at: number): Promise<SessionRecord[]> {
    const rows = await this.run(
      (sql) => sql`UPDATE sessions SET ${this.endSet(sql, reason, at)}
        WHERE username = ${username} AND id <> ${keepId} AND ended_at IS NULL AND expires_at > ${at} RETURNING *`,
    );
    return records(rows);
  }

  // Ended at its own expiry, and only while nothing has ended or extended it: the condition is the race's referee.
  async lapse(id: string, username: string, now: number, absoluteMs: number): Promise<SessionRecord | undefined> {
    return this.one(
      (sql) => sql`UPDATE sessions SET ended_at = expires_at, purge_at = expires_at + ${this.keep},
          end_reason = CASE WHEN expires_at >= created_at + ${absoluteMs} THEN 'absolute' ELSE 'idle' END
        WHERE id = ${id} AND username = ${username} AND ended_at IS NULL AND expires_at <= ${now} RETURNING *`,
    );
  }

  async lapsedSince(now: number, limit: number): Promise<LapsedEntry[]> {
    const rows = await this.run(
      (sql) => sql<LapsedEntry[]>`SELECT id, username FROM sessions WHERE ended_at IS NULL AND expires_at <= ${now} ORDER BY expires_at, id LIMIT ${limit}`,
    );
    return rows.map(({ id, username }) => ({ id, username }));
  }

  async appendEvent(event: SessionEvent): Promise<void> {
    await this.run(
      (sql) => sql`INSERT INTO session_events (id, at, kind, username, event)
        VALUES (${event.id}, ${event.at}, ${event.kind}, ${event.username}, ${serializeSessionEvent(event)}) ON CONFLICT (id) DO NOTHING`,
    );
  }

  async listEvents({ username, kind }: EventFilter, now: number, { offset, limit }: PageRequest): Promise<EventPage> {
    const [rows, counted] = await this.run((sql) => {
      // Fixed pieces only; the values go in as parameters. The planner picks the index for the filter given.
      const where = sql`at > ${now - this.retention}
        ${username === undefined ? sql`` : sql`AND username = ${username}`}
        ${kind === undefined ? sql`` : sql`AND kind = ${kind}`}`;
      return Promise.all([
        sql<Array<{ event: string }>>`SELECT event FROM session_events WHERE ${where} ORDER BY at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
        sql<Array<{ total: number }>>`SELECT count(*) AS total FROM session_events WHERE ${where}`,
      ]);
    });
    return { events: rows.flatMap((row) => parseSessionEvent(row.event) ?? []), total: counted[0]?.total ?? 0 };
  }

  async purgeEvents(now: number): Promise<number> {
    return (await this.run((sql) => sql`DELETE FROM session_events WHERE at <= ${now - this.retention}`)).count;
  }

  async listByUser(username: string, now: number, { offset, limit }: PageRequest): Promise<SessionPage> {
    // Both from the index of the user's active sessions, in its order read backwards.
    const [rows, counted] = await this.run((sql) =>
      Promise.all([
        sql`SELECT * FROM sessions WHERE username = ${username} AND ended_at IS NULL AND expires_at > ${now}
          ORDER BY expires_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
        sql<Array<{ total: number }>>`SELECT count(*) AS total FROM sessions WHERE username = ${username} AND ended_at IS NULL AND expires_at > ${now}`,
      ]),
    );
    return { records: records(rows), total: counted[0]?.total ?? 0 };
  }

  async listAll(now: number, { offset, limit }: PageRequest): Promise<SessionPage> {
    const [rows, counted] = await this.run((sql) =>
      Promise.all([
        sql`SELECT * FROM sessions WHERE ended_at IS NULL AND expires_at > ${now} ORDER BY expires_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
        sql<Array<{ total: number }>>`SELECT count(*) AS total FROM sessions WHERE ended_at IS NULL AND expires_at > ${now}`,
      ]),
    );
    return { records: records(rows), total: counted[0]?.total ?? 0 };
  }

  async providerSessions({ subject, sessionId }: ProviderMatch, now: number): Promise<SessionKey[]> {
    const rows = await this.run((sql) =>
      sessionId === undefined
        ? sql<SessionKey[]>`SELECT id, username FROM sessions WHERE provider_subject = ${subject ?? null} AND ended_at IS NULL AND expires_at > ${now}`
        : sql<SessionKey[]>`SELECT id, username FROM sessions WHERE provider_session_id = ${sessionId}
            AND (${subject ?? null}::text IS NULL OR provider_subject = ${subject ?? null}) AND ended_at IS NULL AND expires_at > ${now}`,
    );
    return rows.map(({ id, username }) => ({ id, username }));
  }

  // A row comes back only when the key is new here, or its earlier use has expired.
  async useOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    const rows = await this.run(
      (sql) => sql`INSERT INTO used_once (key, expires_at) VALUES (${key}, ${expiresAt})
        ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE used_once.expires_at <= ${now} RETURNING key`,
    );
    return rows.length > 0;
  }

  async releaseOnce(key: string): Promise<void> {
    await this.run((sql) => sql`DELETE FROM used_once WHERE key = ${key}`);
  }

  async purgeExpired(now: number): Promise<number> {
    const [ended, active] = await this.run((sql) =>
      sql.batch([
        // Each half by its own index: an active session's purge time is never before its expiry.
        sql`DELETE FROM sessions WHERE ended_at IS NOT NULL AND purge_at <= ${now}`,
        sql`DELETE FROM sessions WHERE ended_at IS NULL AND expires_at <= ${now} AND purge_at <= ${now}`,
        sql`DELETE FROM sign_in_attempts WHERE reset_at <= ${now}`,
        sql`DELETE FROM used_once WHERE expires_at <= ${now}`,
      ]),
    );
    return (ended?.count ?? 0) + (active?.count ?? 0);
  }

  /**
   * One statement, so concurrent attempts each get their own count; a closed window starts over, and reservations
   * whose hold has lapsed (never released) no longer count. In `DO UPDATE`, the bare names are the row as it was.
   */
  async reserveAttempt(key: string, windowMs: number, now: number): Promise<AttemptCount> {
    const resetAt = now + windowMs;
    const heldUntil = now + RESERVATION_HOLD_MS;
    const [row] = await this.run(
      (sql) => sql<Array<{ count: number; failures: number; reset_at: number }>>`
        INSERT INTO sign_in_attempts AS a (key, count, failures, reset_at, held_until) VALUES (${key}, 1, 0, ${resetAt}, ${heldUntil})
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN a.reset_at <= ${now} THEN 1 WHEN a.held_until <= ${now} THEN a.failures + 1 ELSE a.count + 1 END,
          failures = CASE WHEN a.reset_at <= ${now} THEN 0 ELSE a.failures END,
          reset_at = CASE WHEN a.reset_at <= ${now} THEN ${resetAt} ELSE a.reset_at END,
          held_until = ${heldUntil}
        RETURNING count, failures, reset_at`,
    );
    return { count: row?.count ?? 1, failures: row?.failures ?? 0, resetAt: row?.reset_at ?? resetAt };
  }

  // The reservation becomes a failure; should its hold have lapsed meanwhile, and the key even been forgotten, the
  // failure still counts in its window.
  async failAttempt(key: string, resetAt: number): Promise<void> {
    await this.run(
      (sql) => sql`INSERT INTO sign_in_attempts AS a (key, count, failures, reset_at, held_until) VALUES (${key}, 1, 1, ${resetAt}, 0)
        ON CONFLICT (key) DO UPDATE SET failures = a.failures + 1, count = GREATEST(a.count, a.failures + 1) WHERE a.reset_at = ${resetAt}`,
    );
  }

  // A key left with nothing counted is forgotten, so names that were only ever refused leave no rows.
  async releaseAttempt(key: string, resetAt: number, forgetFailures = false): Promise<void> {
    await this.run((sql) =>
      sql.batch([
        sql`UPDATE sign_in_attempts SET
            count = CASE WHEN ${forgetFailures} THEN GREATEST(0, count - 1 - failures) ELSE GREATEST(failures, count - 1) END,
            failures = CASE WHEN ${forgetFailures} THEN 0 ELSE failures END
          WHERE key = ${key} AND reset_at = ${resetAt}`,
        sql`DELETE FROM sign_in_attempts WHERE key = ${key} AND count = 0`,
      ]),
    );
  }

  async announceEnd(notice: EndNotice): Promise<void> {
    try {
      await this.ends.announceEnd(notice);
    } catch (error) {
      throw classify(error);
    }
  }

  async listenForEnds(username: string, onEnd: (notice: EndNotice) => void): Promise<() => Promise<void>> {
    try {
      return await this.ends.listenForEnds(username, onEnd);
    } catch (error) {
      throw classify(error);
    }
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
