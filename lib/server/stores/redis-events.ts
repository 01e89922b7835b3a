// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import type { RedisClientType } from 'redis';
import { EVENT_KINDS } from '../../shared/session-events';
import { parseSessionEvent, serializeSessionEvent, type SessionEvent } from './event-schema';
import { INDEX_SHARDS, type RedisKeys } from './redis-keys';
import { mergedPage } from './redis-pages';
import { APPEND_EVENT } from './redis-scripts';
import type { EventFilter, EventPage, EventStore, PageRequest } from './types';

type Commands = Pick<RedisClientType, 'eval' | 'zAdd' | 'zRange' | 'zRangeWithScores' | 'zCount' | 'zRemRangeByScore'>;

/** How the store runs commands: on its connection, failing with StoreUnavailableError while Redis is down. */
export type Run = <T>(work: (redis: Commands) => Promise<T>) => Promise<T>;

/**
 * The most events one user's set keeps (SQLite keeps them all, for the retention): enough for weeks of a person's
 * days, and a bound on what one username can cost, since throttled sign-ins are written under names anyone can type.
 */
export const EVENTS_PER_USER = 1_000;

/**
 * Session events on Redis (docs/event-log.md): each user's in a sorted set of their own slot, scored by time,
 * whose members are the events' JSON; everyone's in the shards of `redisKeys(...).eventShard`, all kinds and one
 * kind apiece, so the administrator's view merges 16 sets' first entries and no key is written by every request.
 */
export class RedisEventLog implements EventStore {
  private readonly run: Run;
  private readonly keys: RedisKeys;
  private readonly retention: number;

  constructor(run: Run, keys: RedisKeys, retentionMs: number) {
    this.run = run;
    this.keys = keys;
    this.retention = retentionMs;
  }

  /**
   * Into the user's set (one script on the user's slot), then into two shards of everyone's events in slots of their
   * own: all kinds, and this kind. A shard write lost to a failing node leaves the event out of the administrator's
   * unfiltered or per-kind view only; the user's own list has it.
   */
  async appendEvent(event: SessionEvent): Promise<void> {
    const { keys } = this;
    const member = serializeSessionEvent(event);
    const cutoff = String(Date.now() - this.retention);
    const expireAt = String(event.at + this.retention);
    await this.run((redis) =>
      redis.eval(APPEND_EVENT, { keys: [keys.userEvents(event.username)], arguments: [String(event.at), member, cutoff, String(EVENTS_PER_USER), expireAt] }),
    );
    await this.run((redis) =>
      Promise.all([undefined, event.kind].map((kind) => redis.zAdd(keys.eventShardOf(event.username, kind), { score: event.at, value: member }))),
    );
  }

  async listEvents({ username, kind }: EventFilter, now: number, { offset, limit }: PageRequest): Promise<EventPage> {
    const since = `(${now - this.retention}`;
    if (username !== undefined) {
      const key = this.keys.userEvents(username);
      if (kind === undefined) {
        const [members, total] = await this.run((redis) =>
          Promise.all([redis.zRange(key, '+inf', since, { BY: 'SCORE', REV: true, LIMIT: { offset, count: limit } }), redis.zCount(key, since, '+inf')]),
        );
        return { events: members.flatMap((member) => parseSessionEvent(member) ?? []), total };
      }
      // One user's set is capped (EVENTS_PER_USER), so one kind of it is picked out here rather than indexed again.
      const members = await this.run((redis) => redis.zRange(key, '+inf', since, { BY: 'SCORE', REV: true }));
      const matching = members.flatMap((member) => parseSessionEvent(member) ?? []).filter((event) => event.kind === kind);
      return { events: matching.slice(offset, offset + limit), total: matching.length };
    }
    // Merged in the listings' order (mergedPage): the latest first, equal times by member, the last first. An event's
    // member starts with its id (serializeSessionEvent), so that is SQLite's order too.
    const shards = Array.from({ length: INDEX_SHARDS }, (_, i) => this.keys.eventShard(i, kind));
    const { entries, total } = await mergedPage(this.run, shards, now - this.retention, { offset, limit });
    return { events: entries.flatMap((entry) => parseSessionEvent(entry.value) ?? []), total };
  }

  /** The shards of everyone's events are trimmed here; a user's set is trimmed at each write and goes by its TTL. */
  async purgeEvents(now: number): Promise<number> {
    const cutoff = now - this.retention;
    const shards = [undefined, ...EVENT_KINDS].flatMap((kind) => Array.from({ length: INDEX_SHARDS }, (_, i) => this.keys.eventShard(i, kind)));
    const removed = await this.run((redis) => Promise.all(shards.map((shard) => redis.zRemRangeByScore(shard, '-inf', cutoff))));
    // Those of one kind are copies of those of all: count each event once.
    return removed.slice(0, INDEX_SHARDS).reduce((sum, n) => sum + n, 0);
  }
}
