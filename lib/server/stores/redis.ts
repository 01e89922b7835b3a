// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { connect, withTimeout, type Connection, type Redis, type RedisTarget } from './redis-connection';
import { endedRecords, fromPairs, providerFields, toRecord } from './redis-records';
import type { SessionEvent } from './event-schema';
import { RedisEnds } from './redis-ends';
import { RedisEventLog } from './redis-events';
import { mergedPage } from './redis-pages';
import { DEFAULT_KEY_PREFIX, INDEX_SHARDS, parseShardMember, redisKeys, type RedisKeys } from './redis-keys';
import { CREATE, END, END_OTHERS, FAIL, LAPSE, MARK_AUTHENTICATED, RELEASE, RESERVE, TOUCH } from './redis-scripts';
import {
  CONNECT_WAIT_MS,
  EVENTS_RETENTION_MS,
  KEEP_ENDED_MS,
  RESERVATION_HOLD_MS,
  StoreUnavailableError,
  type AttemptCount,
  type EndedRecord,
  type EndNotice,
  type EndReason,
  type EventFilter,
  type EventPage,
  type LapsedEntry,
  type NewSessionRecord,
  type PageRequest,
  type ProviderLink,
  type ProviderMatch,
  type SessionKey,
  type SessionPage,
  type SessionRecord,
  type SessionStore,
  type StoreOptions,
} from './types';

export type { RedisTarget };

export interface RedisStoreOptions extends StoreOptions {
  /** `REDIS_KEY_PREFIX`: every key starts with it. */
  prefix?: string;
}

/**
 * Sessions shared by every app instance, on one Redis or a Redis Cluster, under one key prefix (see
 * redis-keys.ts for the layout). Commands fail at once while Redis is down, so a request answers 503 rather
 * than waiting or deciding anything; the client reconnects by itself, and on a cluster follows a failover.
 *
 * What is atomic: everything about one user's sessions (create with the cap, touch, end, end the others,
 * the user's list), each one script on the user's slot, which also answers with every record it ended. The
 * index of everyone's sessions is written after that script, in the shard's own slot, and never fails the call:
 * if that second write is lost (a node failing between the two), the administrator's list holds an entry too many
 * or too few until the next write of that session, the next page that reads it (`heal`) or the next sweep. Who is
 * signed in or out, and the events of the sessions that ended, never depend on it.
 */
export class RedisSessionStore implements SessionStore {
  private readonly client: Connection;
  private readonly keys: RedisKeys;
  private readonly keep: number;
  private readonly events: RedisEventLog;
  private readonly ends: RedisEnds;
  private connecting: Promise<unknown> | undefined;

  constructor(target: RedisTarget, { keepEndedMs = KEEP_ENDED_MS, eventsRetentionMs = EVENTS_RETENTION_MS, prefix = DEFAULT_KEY_PREFIX }: RedisStoreOptions = {}) {
    this.keep = keepEndedMs;
    this.keys = redisKeys(prefix);
    this.events = new RedisEventLog((work) => this.run(work), this.keys, eventsRetentionMs);
    this.client = connect(target);
    this.ends = new RedisEnds((work) => this.run(work), this.keys, () => this.client.duplicate() as Connection);
    // Without a listener an 'error' event would crash the process; the failing request reports it as 503.
    this.client.on('error', () => {});
  }

  private async run<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      if (!this.client.isReady) {
        if (!this.client.isOpen) {
          this.connecting = this.client.connect().finally(() => {
            this.connecting = undefined;
          });
        }
        // Requests arriving while the first connection is made wait for it; during a reconnect they fail at once.
        if (this.connecting) await withTimeout(this.connecting, CONNECT_WAIT_MS);
      }
      if (!this.client.isReady) throw new Error('not connected');
      return await work(this.client as unknown as Redis);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  /** The user a session id belongs to, unless the caller knows it already (the cookie names it). */
  private async ownerOf(id: string, username: string | undefined): Promise<string | undefined> {
    if (username !== undefined) return username;
    return (await this.run((redis) => redis.get(this.keys.owner(id)))) ?? undefined;
  }

  async create(record: NewSessionRecord, maxActive: number): Promise<SessionRecord[]> {
    const { keys } = this;
    const purgeAt = record.expiresAt + this.keep;
    const { providerLink, ...rest } = record;
    const fields = { ...rest, ...providerFields(providerLink), remember: record.remember ? '1' : '0', purgeAt };
    const numbers = [record.createdAt, record.expiresAt, this.keep, maxActive].map(String);
    const member = keys.shardMember(record.username, record.id);
    // The owner, the shard's entry and the provider's first: should the script then fail, they name no record and are harmless.
    await this.run((redis) =>
      Promise.all([
        redis.set(keys.owner(record.id), record.username, { expiration: { type: 'PXAT', value: purgeAt } }),
        redis.zAdd(keys.shardOf(record.username), { score: record.expiresAt, value: member }),
        ...this.providerKeys(providerLink).flatMap((key) => [redis.sAdd(key, member), redis.pExpireAt(key, purgeAt, 'NX'), redis.pExpireAt(key, purgeAt, 'GT')]),
      ]),
    );
    const ended = await this.run(async (redis) =>
      endedRecords(
        await redis.eval(CREATE, {
          keys: [keys.session(record.username, record.id), keys.userIndex(record.username)],
          arguments: [record.id, ...numbers, keys.sessionOf(record.username), ...Object.entries(fields).flatMap(([field, value]) => [field, String(value)])],
        }),
      ),
    );
    await this.unlist(record.username, ended.map(({ id }) => id));
    await this.unlinkProvider(ended);
    return ended;
  }

  /**
   * A write to the index of everyone's sessions after the user's own script: lost, it is put right later (see the
   * class's comment), so it is logged and never fails the call, whose change has been made and must be reported.
   */
  private async alsoIndex(work: (redis: Redis) => Promise<unknown>): Promise<void> {
    try {
      await this.run(work);
    } catch (error) {
      console.warn('Could not update the index of everyone\'s sessions; a later list or sweep puts it right', error);
    }
  }

  private async unlist(username: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.alsoIndex((redis) => redis.zRem(this.keys.shardOf(username), ids.map((id) => this.keys.shardMember(username, id))));
  }

  /** Ended sessions leave the provider's sets, each in its own slot, as they leave everyone's index. */
  private async unlinkProvider(records: Array<SessionRecord | undefined>): Promise<void> {
    const linked = records.filter((record) => record?.providerLink !== undefined) as SessionRecord[];
    if (linked.length === 0) return;
    await this.alsoIndex((redis) =>
      Promise.all(linked.flatMap((record) => this.providerKeys(record.providerLink).map((key) => redis.sRem(key, this.keys.shardMember(record.username, record.id))))),
    );
  }

  /** `username`, when the caller knows it (the cookie names it), saves a round trip to the owner's key. */
  async get(id: string, username?: string): Promise<SessionRecord | undefined> {
    const owner = await this.ownerOf(id, username);
    if (owner === undefined) return undefined;
    return this.run(async (redis) => toRecord(await redis.hGetAll(this.keys.session(owner, id))));
  }

  async touch(id: string, lastActivityAt: number, expiresAt: number, now: number, username?: string): Promise<SessionRecord | undefined> {
    const owner = await this.ownerOf(id, username);
    if (owner === undefined) return undefined;
    const { keys } = this;
    const args = [String(lastActivityAt), String(expiresAt), id, String(now), String(this.keep)];
    const reply = await this.run((redis) => redis.eval(TOUCH, { keys: [keys.session(owner, id), keys.userIndex(owner)], arguments: args }));
    const record = toRecord(fromPairs(reply));
    if (record && record.endedAt === undefined && record.expiresAt > now) {
      // GT: a late write never lowers an entry, and re-adds one a lost write had left out.
      await this.alsoIndex((redis) =>
        Promise.all([
          redis.zAdd(keys.shardOf(owner), { score: record.expiresAt, value: keys.shardMember(owner, id) }, { GT: true }),
          redis.pExpireAt(keys.owner(id), record.purgeAt, 'GT'),
          ...this.providerKeys(record.providerLink).map((key) => redis.pExpireAt(key, record.purgeAt, 'GT')),
        ]),
      );
    }
    return record;
  }

  /** The sets that find a session signed in through the provider: its subject's, and its provider session's. */
  private providerKeys(link: ProviderLink | undefined): string[] {
    if (!link) return [];
    return [this.keys.providerSubject(link.subject), ...(link.sessionId === undefined ? [] : [this.keys.providerSession(link.sessionId)])];
  }

  async markAuthenticated(id: string, at: number, username?: string): Promise<SessionRecord | undefined> {
    const owner = await this.ownerOf(id, username);
    if (owner === undefined) return undefined;
    const session = this.keys.session(owner, id);
    await this.run((redis) => redis.eval(MARK_AUTHENTICATED, { keys: [session], arguments: [String(at)] }));
    return this.run(async (redis) => toRecord(await redis.hGetAll(session)));
  }

  async end(id: string, reason: EndReason, at: number, username?: string): Promise<EndedRecord | undefined> {
    const owner = await this.ownerOf(id, username);
    if (owner === undefined) return undefined;
    const { keys } = this;
    const reply = await this.run((redis) =>
      redis.eval(END, { keys: [keys.session(owner, id), keys.userIndex(owner)], arguments: [String(at), reason, id, String(this.keep)] }),
    );
    const { endedNow, ...fields } = fromPairs(reply);
    const record = toRecord(fields);
    if (record) await this.unlist(owner, [id]);
    if (endedNow === '1') await this.unlinkProvider([record]);
    return record && { ...record, endedNow: endedNow === '1' };
  }

  async endOthers(username: string, keepId: string, reason: EndReason, at: number): Promise<SessionRecord[]> {
    const { keys } = this;
    const ended = await this.run(async (redis) =>
      endedRecords(await redis.eval(END_OTHERS, { keys: [keys.userIndex(username)], arguments: [keepId, reason, String(at), String(this.keep), keys.sessionOf(username)] })),
    );
    await this.unlist(username, ended.map(({ id }) => id));
    await this.unlinkProvider(ended);
    return ended;
  }

  async lapse(id: string, username: string, now: number, absoluteMs: number): Promise<SessionRecord | undefined> {
    const { keys } = this;
    const reply = await this.run((redis) =>
      redis.eval(LAPSE, { keys: [keys.session(username, id), keys.userIndex(username)], arguments: [String(now), String(absoluteMs), id, String(this.keep)] }),
    );
    if (typeof reply === 'number' && reply > 0) {
      // Extended meanwhile: the index gets its new expiry, should the keep-alive's own write of it have been lost.
      await this.alsoIndex((redis) => redis.zAdd(keys.shardOf(username), { score: reply, value: keys.shardMember(username, id) }, { GT: true }));
      return undefined;
    }
    await this.unlist(username, [id]);
    const lapsed = Array.isArray(reply) ? toRecord(fromPairs(reply)) : undefined;
    await this.unlinkProvider([lapsed]);
    return lapsed;
  }

  /** From the shards of everyone's index, scored by expiry: each gives its earliest `limit`, and the merge the earliest of all. */
  async lapsedSince(now: number, limit: number): Promise<LapsedEntry[]> {
    const read = await this.run((redis) =>
      Promise.all(Array.from({ length: INDEX_SHARDS }, (_, i) => redis.zRangeWithScores(this.keys.shard(i), '-inf', now, { BY: 'SCORE', LIMIT: { offset: 0, count: limit } }))),
    );
    return read
      .flat()
      .sort((a, b) => a.score - b.score)
      .slice(0, limit)
      .flatMap((entry) => parseShardMember(entry.value) ?? []);
  }

  appendEvent(event: SessionEvent): Promise<void> {
    return this.events.appendEvent(event);
  }

  listEvents(filter: EventFilter, now: number, page: PageRequest): Promise<EventPage> {
    return this.events.listEvents(filter, now, page);
  }

  purgeEvents(now: number): Promise<number> {
    return this.events.purgeEvents(now);
  }

  private async records(entries: Array<{ id: string; username: string }>): Promise<Array<SessionRecord | undefined>> {
    return this.run((redis) => Promise.all(entries.map(async ({ id, username }) => toRecord(await redis.hGetAll(this.keys.session(username, id))))));
  }

  async listByUser(username: string, now: number, { offset, limit }: PageRequest): Promise<SessionPage> {
    const index = this.keys.userIndex(username);
    // One round trip: commands sent together on one connection run in order.
    const [, ids, total] = await this.run((redis) =>
      Promise.all([
        redis.zRemRangeByScore(index, '-inf', now),
        redis.zRange(index, '+inf', `(${now}`, { BY: 'SCORE', REV: true, LIMIT: { offset, count: limit } }),
        redis.zCount(index, `(${now}`, '+inf'),
      ]),
    );
    const found = await this.records(ids.map((id) => ({ id, username })));
    // A record may have ended between the two round trips: it is left out rather than shown as active.
    return { records: found.filter((record): record is SessionRecord => record !== undefined && record.endedAt === undefined && record.expiresAt > now), total };
  }

  /**
   * Everyone's sessions, a page at a time, from the shards of the index (see `mergedPage`), in the user's own list's
   * order: the latest expiry first, equal expiries by id, the last first. Lapsed entries are left out but stay: the
   * shards are the sweep's index of expiries. Costs grow with the page's distance from the nearer end, not with the
   * number of sessions.
   */
  async listAll(now: number, page: PageRequest): Promise<SessionPage> {
    const shards = Array.from({ length: INDEX_SHARDS }, (_, i) => this.keys.shard(i));
    const { entries, total } = await mergedPage((work) => this.run(work), shards, now, page);
    const named = entries.flatMap((entry) => {
      const member = parseShardMember(entry.value);
      return member ? [{ ...entry, ...member }] : [];
    });
    const found = await this.records(named);
    await this.heal(named.map((entry, i) => ({ ...entry, record: found[i] })));
    return { records: found.filter((record): record is SessionRecord => record !== undefined && record.endedAt === undefined && record.expiresAt > now), total };
  }

  /** Puts right what a lost second write left in the shards (see the class's comment): entries of ended or missing records go. */
  private async heal(entries: Array<{ shard: string; value: string; record: SessionRecord | undefined }>): Promise<void> {
    // A lapsed record's entry stays: the shards are the sweep's index of expiries, and whoever ends it (`lapse`) removes it.
    const gone = entries.filter(({ record }) => record === undefined || record.endedAt !== undefined);
    if (gone.length === 0) return;
    await this.alsoIndex((redis) => Promise.all(gone.map(({ shard, value }) => redis.zRem(shard, value))));
  }

  /**
   * The members of the provider session's set (or the subject's), each read from its own record: only the active
   * ones count. A session leaves the sets when it ends; a member whose session Redis has forgotten altogether (its
   * owner key gone too, so no sign-in is still writing it) leaves them here.
   */
  async providerSessions({ subject, sessionId }: ProviderMatch, now: number): Promise<SessionKey[]> {
    const set = sessionId === undefined ? this.keys.providerSubject(subject ?? '') : this.keys.providerSession(sessionId);
    const members = await this.run((redis) => redis.sMembers(set));
    const named = members.map((member) => ({ member, entry: parseShardMember(member) }));
    const found = await this.records(named.flatMap(({ entry }) => entry ?? []));
    const read = named.filter(({ entry }) => entry !== undefined).map(({ member, entry }, index) => ({ member, entry: entry as SessionKey, record: found[index] }));
    const unread = await this.run((redis) => Promise.all(read.filter(({ record }) => record === undefined).map(async (item) => ((await redis.exists(this.keys.owner(item.entry.id))) === 0 ? item.member : undefined))));
    const gone = [...named.filter(({ entry }) => entry === undefined).map(({ member }) => member), ...unread.flatMap((member) => member ?? [])];
    if (gone.length > 0) await this.alsoIndex((redis) => redis.sRem(set, gone));
    return read
      .filter(({ record }) => record !== undefined && record.endedAt === undefined && record.expiresAt > now && (subject === undefined || record.providerLink?.subject === subject))
      .map(({ entry }) => entry);
  }

  /** Redis expires the key by its own clock, at `expiresAt`; `now` is the SQL stores' clock. */
  async useOnce(key: string, expiresAt: number): Promise<boolean> {
    const reply = await this.run((redis) => redis.set(this.keys.usedOnce(key), '1', { condition: 'NX', expiration: { type: 'PXAT', value: expiresAt } }));
    return reply === 'OK';
  }

  async releaseOnce(key: string): Promise<void> {
    await this.run((redis) => redis.del(this.keys.usedOnce(key)));
  }

  /**
   * Redis forgets records, owners, users' indexes and counters by their TTLs. The shards of everyone's index are
   * the sweep's (see `lapse`): an entry leaves once its session has ended, so nothing here. Returns 0.
   */
  async purgeExpired(): Promise<number> {
    return 0;
  }

  reserveAttempt(key: string, windowMs: number, now: number): Promise<AttemptCount> {
    return this.run(async (redis) => {
      const reply = await redis.eval(RESERVE, { keys: [this.keys.attempts(key)], arguments: [String(now), String(now + windowMs), String(now + RESERVATION_HOLD_MS)] });
      const [count, failures, resetAt] = reply as [number, number, number];
      return { count, failures, resetAt };
    });
  }

  failAttempt(key: string, resetAt: number): Promise<void> {
    return this.run(async (redis) => {
      await redis.eval(FAIL, { keys: [this.keys.attempts(key)], arguments: [String(resetAt)] });
    });
  }

  releaseAttempt(key: string, resetAt: number, forgetFailures = false): Promise<void> {
    return this.run(async (redis) => {
      await redis.eval(RELEASE, { keys: [this.keys.attempts(key)], arguments: [String(resetAt), forgetFailures ? '1' : '0'] });
    });
  }

  announceEnd(notice: EndNotice): Promise<void> {
    return this.ends.announceEnd(notice);
  }

  async listenForEnds(username: string, onEnd: (notice: EndNotice) => void): Promise<() => Promise<void>> {
    try {
      return await this.ends.listenForEnds(username, onEnd);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  async close(): Promise<void> {
    await this.ends.close();
    if (this.client.isOpen) this.client.destroy();
  }
}
