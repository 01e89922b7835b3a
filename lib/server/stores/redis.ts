// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { createClient, type RedisClientType } from 'redis';
import { parseSessionRecord } from './record-schema';
import {
  KEEP_ENDED_MS,
  StoreUnavailableError,
  type AttemptCount,
  type EndReason,
  type NewSessionRecord,
  type PageRequest,
  type SessionPage,
  type SessionRecord,
  type SessionStore,
  type StoreOptions,
} from './types';

/** How long a request waits for a connection before it fails with 503 instead of hanging. */
const CONNECT_WAIT_MS = 1_500;

// Keys: `s:<id>` a hash per session, expired by Redis at its purge time; `u:<username>` and `active`,
// sorted sets of the ids of active sessions scored by expiry, so listing, paging and counting never scan
// the keyspace; `a:<key>` a hash per sign-in throttle key (count, failures, resetAt), expired by Redis when
// its window closes.
const SESSION = (id: string) => `s:${id}`;
const BY_USER = (username: string) => `u:${username}`;
const ACTIVE = 'active';
const ATTEMPTS = (key: string) => `a:${key}`;

// Ends one record and drops it from both indexes; Redis forgets it `keep` ms after it ended, or after its expiry if that came first.
const FINISH = `
local function finish(key, id, at, reason, keep, byUser, active)
  local purge = math.min(at, tonumber(redis.call('HGET', key, 'expiresAt'))) + keep
  redis.call('HSET', key, 'endedAt', at, 'endReason', reason, 'purgeAt', purge)
  redis.call('PEXPIREAT', key, purge)
  redis.call('ZREM', byUser, id)
  redis.call('ZREM', active, id)
end
`;

// The new record, and the end of the user's least recently active sessions beyond the cap, in one atomic step.
// The other sessions' keys are built from ARGV[6]: they are all the same user's, so once keys carry the user
// as a hash tag (Redis Cluster) they share the slot of KEYS[2].
const CREATE = `${FINISH}
local id, at, expires, keep, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
redis.call('PEXPIREAT', KEYS[1], expires + keep)
redis.call('ZADD', KEYS[2], expires, id)
redis.call('ZADD', KEYS[3], expires, id)
if redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[2], '+inf') <= max then return 0 end
local others = {}
for _, other in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf')) do
  if other ~= id then
    local last = redis.call('HGET', ARGV[6] .. other, 'lastActivityAt')
    if last then
      others[#others + 1] = { other, tonumber(last) }
    else
      redis.call('ZREM', KEYS[2], other)
      redis.call('ZREM', KEYS[3], other)
    end
  end
end
local excess = #others - (max - 1)
if excess <= 0 then return 0 end
table.sort(others, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
for i = 1, excess do finish(ARGV[6] .. others[i][1], others[i][1], at, 'session-limit', keep, KEYS[2], KEYS[3]) end
return excess`;

// Atomic in Redis: a touch never changes an ended or missing record, nor one whose expiry is not after
// ARGV[4] (now), so a keep-alive cannot revive a signed-out or lapsed session.
const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 1 end
local current = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
if current <= tonumber(ARGV[4]) then return 1 end
local last = math.max(tonumber(redis.call('HGET', KEYS[1], 'lastActivityAt')), tonumber(ARGV[1]))
local expires = math.max(current, tonumber(ARGV[2]))
local purge = expires + tonumber(ARGV[5])
redis.call('HSET', KEYS[1], 'lastActivityAt', last, 'expiresAt', expires, 'purgeAt', purge)
redis.call('PEXPIREAT', KEYS[1], purge)
redis.call('ZADD', KEYS[2], expires, ARGV[3])
redis.call('ZADD', KEYS[3], expires, ARGV[3])
return 1`;

// The proof of presence moves forward only, and never on an ended record or one whose expiry is not after ARGV[1] (now).
// One key: it sits wherever the session's hash does.
const MARK_AUTHENTICATED = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) <= tonumber(ARGV[1]) then return 0 end
local current = tonumber(redis.call('HGET', KEYS[1], 'authenticatedAt')) or 0
if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'authenticatedAt', ARGV[1]) end
return 1`;

const END = `${FINISH}
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 0 end
finish(KEYS[1], ARGV[3], tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[4]), KEYS[2], KEYS[3])
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

// A hash field is a string; only digits make a time. Anything else is passed on as it is, for the schema to refuse
// (Number() would read '' as 0 and '1e400' as Infinity).
const integer = (text: string | undefined) => (text !== undefined && /^-?\d+$/.test(text) ? Number(text) : text);

// Fields to the record's names and types; an absent endedAt is how the hash says "not ended". The schema judges the rest.
function toRecord(hash: Record<string, string>): SessionRecord | undefined {
  // What hGetAll answers for a key that does not exist (never made, or expired by Redis): not a broken record.
  if (Object.keys(hash).length === 0) return undefined;
  return parseSessionRecord({
    ...hash,
    createdAt: integer(hash.createdAt),
    lastActivityAt: integer(hash.lastActivityAt),
    // Absent from a hash written before sessions kept it: proved at no known time, so a sensitive action asks again.
    authenticatedAt: hash.authenticatedAt === undefined ? 0 : integer(hash.authenticatedAt),
    expiresAt: integer(hash.expiresAt),
    purgeAt: integer(hash.purgeAt),
    remember: hash.remember === '1' ? true : hash.remember === '0' ? false : hash.remember,
    endedAt: integer(hash.endedAt),
  });
}

/**
 * Sessions shared by every app instance. Commands fail at once while Redis is down (no offline queue),
 * so a request answers 503 rather than waiting or deciding anything; the client reconnects by itself.
 */
export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis';
  private readonly client: RedisClientType;
  private readonly keep: number;
  private connecting: Promise<unknown> | undefined;

  constructor(url: string, { keepEndedMs = KEEP_ENDED_MS }: StoreOptions = {}) {
    this.keep = keepEndedMs;
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

  create(record: NewSessionRecord, maxActive: number): Promise<number> {
    const fields = { ...record, remember: record.remember ? '1' : '0', purgeAt: record.expiresAt + this.keep };
    const numbers = [record.createdAt, record.expiresAt, this.keep, maxActive].map(String);
    return this.run(async (redis) => {
      const ended = await redis.eval(CREATE, {
        keys: [SESSION(record.id), BY_USER(record.username), ACTIVE],
        arguments: [record.id, ...numbers, SESSION(''), ...Object.entries(fields).flatMap(([field, value]) => [field, String(value)])],
      });
      return Number(ended);
    });
  }

  get(id: string): Promise<SessionRecord | undefined> {
    return this.run(async (redis) => toRecord(await redis.hGetAll(SESSION(id))));
  }

  async touch(id: string, lastActivityAt: number, expiresAt: number, now: number): Promise<SessionRecord | undefined> {
    const record = await this.get(id);
    if (!record) return undefined;
    const args = [String(lastActivityAt), String(expiresAt), id, String(now), String(this.keep)];
    await this.run((redis) => redis.eval(TOUCH, { keys: [SESSION(id), BY_USER(record.username), ACTIVE], arguments: args }));
    return this.get(id);
  }

  async markAuthenticated(id: string, at: number): Promise<SessionRecord | undefined> {
    await this.run((redis) => redis.eval(MARK_AUTHENTICATED, { keys: [SESSION(id)], arguments: [String(at)] }));
    return this.get(id);
  }

  private finish(redis: RedisClientType, id: string, username: string, reason: EndReason, at: number): Promise<unknown> {
    return redis.eval(END, { keys: [SESSION(id), BY_USER(username), ACTIVE], arguments: [String(at), reason, id, String(this.keep)] });
  }

  async end(id: string, reason: EndReason, at: number): Promise<SessionRecord | undefined> {
    const record = await this.get(id);
    if (!record) return undefined;
    await this.run((redis) => this.finish(redis, id, record.username, reason, at));
    return this.get(id);
  }

  async endOthers(username: string, keepId: string, reason: EndReason, at: number): Promise<number> {
    const ids = await this.run((redis) => redis.zRangeByScore(BY_USER(username), `(${at}`, '+inf'));
    let ended = 0;
    for (const id of ids) {
      if (id === keepId) continue;
      if ((await this.run((redis) => this.finish(redis, id, username, reason, at))) === 1) ended += 1;
    }
    return ended;
  }

  private async page(index: string, now: number, { offset, limit }: PageRequest): Promise<SessionPage> {
    // One round trip: commands sent together on one connection run in order.
    const [, ids, total] = await this.run((redis) =>
      Promise.all([
        redis.zRemRangeByScore(index, '-inf', now),
        redis.zRange(index, '+inf', `(${now}`, { BY: 'SCORE', REV: true, LIMIT: { offset, count: limit } }),
        redis.zCount(index, `(${now}`, '+inf'),
      ]),
    );
    const hashes = await this.run((redis) => Promise.all(ids.map((id) => redis.hGetAll(SESSION(id)))));
    // A record may have ended between the two round trips: it is left out rather than shown as active.
    const records = hashes.flatMap((hash) => toRecord(hash) ?? []).filter((record) => record.endedAt === undefined && record.expiresAt > now);
    return { records, total };
  }

  listByUser(username: string, now: number, page: PageRequest): Promise<SessionPage> {
    return this.page(BY_USER(username), now, page);
  }

  listAll(now: number, page: PageRequest): Promise<SessionPage> {
    return this.page(ACTIVE, now, page);
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
