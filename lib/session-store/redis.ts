import { createClient, type RedisClientType } from 'redis';
import { END_REASONS, StoreUnavailableError, byLastActivity, type AttemptCount, type EndReason, type NewSessionRecord, type SessionRecord, type SessionStore } from './types';
import { ROLES, type Role } from '../session-policy';

/** How long a request waits for a connection before it fails with 503 instead of hanging. */
const CONNECT_WAIT_MS = 1_500;

// Keys: `s:<id>` a hash per session, expired by Redis at its purge time; `u:<username>` and `active`,
// sorted sets of session ids scored by expiry, so listing never scans the keyspace; `a:<key>` a hash per
// sign-in throttle key (count, failures, resetAt), expired by Redis when its window closes.
const SESSION = (id: string) => `s:${id}`;
const BY_USER = (username: string) => `u:${username}`;
const ACTIVE = 'active';
const ATTEMPTS = (key: string) => `a:${key}`;

// Atomic in Redis: a touch never changes an ended or missing record, so a keep-alive cannot revive a signed-out session.
const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 1 end
local last = math.max(tonumber(redis.call('HGET', KEYS[1], 'lastActivityAt')), tonumber(ARGV[1]))
local expires = math.max(tonumber(redis.call('HGET', KEYS[1], 'expiresAt')), tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'lastActivityAt', last, 'expiresAt', expires)
redis.call('ZADD', KEYS[2], expires, ARGV[3])
redis.call('ZADD', KEYS[3], expires, ARGV[3])
return 1`;

const END = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'endedAt', ARGV[1], 'endReason', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[3])
return 1`;

// The sign-in throttle's counters, each one script. The window is the app's clock, as in SQLite (ARGV now
// and resetAt); Redis's expiry only forgets the key. resetAt is kept as the string the app sent, so the
// outcome of an attempt applies only to the window it was reserved in.
const RESERVE = `
local resetAt = redis.call('HGET', KEYS[1], 'resetAt')
if not resetAt or tonumber(resetAt) <= tonumber(ARGV[1]) then
  resetAt = ARGV[2]
  redis.call('HSET', KEYS[1], 'count', 0, 'failures', 0, 'resetAt', resetAt)
  redis.call('PEXPIREAT', KEYS[1], resetAt)
end
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
return {count, tonumber(redis.call('HGET', KEYS[1], 'failures')), tonumber(resetAt)}`;

const FAIL = `
if redis.call('HGET', KEYS[1], 'resetAt') ~= ARGV[1] then return 0 end
return redis.call('HINCRBY', KEYS[1], 'failures', 1)`;

const RELEASE = `
if redis.call('HGET', KEYS[1], 'resetAt') ~= ARGV[1] then return 0 end
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures'))
local forgotten = 0
if ARGV[2] == '1' then forgotten = failures end
local count = math.max(0, tonumber(redis.call('HGET', KEYS[1], 'count')) - 1 - forgotten)
redis.call('HSET', KEYS[1], 'count', count, 'failures', failures - forgotten)
return count`;

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toRecord(hash: Record<string, string>): SessionRecord | undefined {
  if (!hash.id || !hash.username) return undefined;
  const record: SessionRecord = {
    id: hash.id,
    username: hash.username,
    role: ROLES.includes(hash.role as Role) ? (hash.role as Role) : 'user',
    createdAt: Number(hash.createdAt),
    lastActivityAt: Number(hash.lastActivityAt),
    expiresAt: Number(hash.expiresAt),
    purgeAt: Number(hash.purgeAt),
    remember: hash.remember === '1',
    userAgent: hash.userAgent ?? '',
  };
  if (hash.endedAt !== undefined) {
    record.endedAt = Number(hash.endedAt);
    record.endReason = END_REASONS.includes(hash.endReason as EndReason) ? (hash.endReason as EndReason) : 'revoked';
  }
  return record;
}

/**
 * Sessions shared by every app instance. Commands fail at once while Redis is down (no offline queue),
 * so a request answers 503 rather than waiting or deciding anything; the client reconnects by itself.
 */
export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis';
  private readonly client: RedisClientType;
  private connecting: Promise<unknown> | undefined;

  constructor(url: string) {
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: CONNECT_WAIT_MS, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
    });
    // Without a listener an 'error' event would crash the process; the failing request reports it as 503.
    this.client.on('error', () => {});
  }

  private async run<T>(work: (client: RedisClientType) => Promise<T>): Promise<T> {
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
      return await work(this.client);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  create(record: NewSessionRecord): Promise<void> {
    return this.run(async (redis) => {
      const key = SESSION(record.id);
      await redis
        .multi()
        .hSet(key, { ...record, remember: record.remember ? '1' : '0' })
        .pExpireAt(key, record.purgeAt)
        .zAdd(BY_USER(record.username), { score: record.expiresAt, value: record.id })
        .zAdd(ACTIVE, { score: record.expiresAt, value: record.id })
        .exec();
    });
  }

  get(id: string): Promise<SessionRecord | undefined> {
    return this.run(async (redis) => toRecord(await redis.hGetAll(SESSION(id))));
  }

  async touch(id: string, lastActivityAt: number, expiresAt: number): Promise<SessionRecord | undefined> {
    const record = await this.get(id);
    if (!record) return undefined;
    await this.run((redis) =>
      redis.eval(TOUCH, { keys: [SESSION(id), BY_USER(record.username), ACTIVE], arguments: [String(lastActivityAt), String(expiresAt), id] }),
    );
    return this.get(id);
  }

  async end(id: string, reason: EndReason, at: number): Promise<SessionRecord | undefined> {
    const record = await this.get(id);
    if (!record) return undefined;
    await this.run((redis) => redis.eval(END, { keys: [SESSION(id), BY_USER(record.username), ACTIVE], arguments: [String(at), reason, id] }));
    return this.get(id);
  }

  async endOthers(username: string, keepId: string, reason: EndReason, at: number): Promise<number> {
    const ids = await this.run((redis) => redis.zRangeByScore(BY_USER(username), `(${at}`, '+inf'));
    let ended = 0;
    for (const id of ids) {
      if (id === keepId) continue;
      const done = await this.run((redis) => redis.eval(END, { keys: [SESSION(id), BY_USER(username), ACTIVE], arguments: [String(at), reason, id] }));
      if (done === 1) ended += 1;
    }
    return ended;
  }

  private async listFrom(index: string, now: number): Promise<SessionRecord[]> {
    const ids = await this.run(async (redis) => {
      await redis.zRemRangeByScore(index, '-inf', now);
      return redis.zRangeByScore(index, `(${now}`, '+inf');
    });
    const records = await this.run((redis) => Promise.all(ids.map((id) => redis.hGetAll(SESSION(id)))));
    return records
      .flatMap((hash) => toRecord(hash) ?? [])
      .filter((record) => record.endedAt === undefined && record.expiresAt > now)
      .sort(byLastActivity);
  }

  listByUser(username: string, now: number): Promise<SessionRecord[]> {
    return this.listFrom(BY_USER(username), now);
  }

  listAll(now: number): Promise<SessionRecord[]> {
    return this.listFrom(ACTIVE, now);
  }

  /** Redis forgets records and counters by their TTLs; only the index of active sessions needs trimming. */
  purgeExpired(now: number): Promise<number> {
    return this.run((redis) => redis.zRemRangeByScore(ACTIVE, '-inf', now));
  }

  reserveAttempt(key: string, windowMs: number, now: number): Promise<AttemptCount> {
    return this.run(async (redis) => {
      const reply = await redis.eval(RESERVE, { keys: [ATTEMPTS(key)], arguments: [String(now), String(now + windowMs)] });
      const [count, failures, resetAt] = reply as [number, number, number];
      return { count, failures, resetAt };
    });
  }

  failAttempt(key: string, resetAt: number): Promise<void> {
    return this.run(async (redis) => {
      await redis.eval(FAIL, { keys: [ATTEMPTS(key)], arguments: [String(resetAt)] });
    });
  }

  releaseAttempt(key: string, resetAt: number, forgetFailures = false): Promise<void> {
    return this.run(async (redis) => {
      await redis.eval(RELEASE, { keys: [ATTEMPTS(key)], arguments: [String(resetAt), forgetFailures ? '1' : '0'] });
    });
  }

  async close(): Promise<void> {
    if (this.client.isOpen) this.client.destroy();
  }
}
