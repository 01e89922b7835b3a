// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.

// Every session script's keys are one user's (see redis-keys.ts): KEYS[1] the session's hash, KEYS[2] the
// user's index, and the other sessions of the user built from ARGV inside the same hash tag, so each script
// runs on one slot of a cluster. The index of everyone's sessions lives in other slots and is written by the
// store after the script (see redis.ts).

// Ends one record and drops it from the user's index; Redis forgets it `keep` ms after it ended, or after its
// expiry if that came first.
const FINISH = `
local function finish(key, id, at, reason, keep, byUser)
  local purge = math.min(at, tonumber(redis.call('HGET', key, 'expiresAt'))) + keep
  redis.call('HSET', key, 'endedAt', at, 'endReason', reason, 'purgeAt', purge)
  redis.call('PEXPIREAT', key, purge)
  redis.call('ZREM', byUser, id)
end
local function keepIndexUntil(index, at)
  if redis.call('PTTL', index) < 0 then redis.call('PEXPIREAT', index, at) else redis.call('PEXPIREAT', index, at, 'GT') end
end
`;

// The new record, and the end of the user's least recently active sessions beyond the cap, in one atomic step.
// ARGV: id, now, expiresAt, keep, max, the prefix of the user's session keys, then the record's fields.
// Returns the fields of each record it ended, as they now are: all the caller needs to write their events.
export const CREATE = `${FINISH}
local id, at, expires, keep, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
redis.call('PEXPIREAT', KEYS[1], expires + keep)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', at)
redis.call('ZADD', KEYS[2], expires, id)
keepIndexUntil(KEYS[2], expires + keep)
local ended = {}
if redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[2], '+inf') <= max then return ended end
local others = {}
for _, other in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf')) do
  if other ~= id then
    local last = redis.call('HGET', ARGV[6] .. other, 'lastActivityAt')
    if last then others[#others + 1] = { other, tonumber(last) } else redis.call('ZREM', KEYS[2], other) end
  end
end
local excess = #others - (max - 1)
if excess <= 0 then return ended end
table.sort(others, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
for i = 1, excess do
  local key = ARGV[6] .. others[i][1]
  finish(key, others[i][1], at, 'session-limit', keep, KEYS[2])
  ended[#ended + 1] = redis.call('HGETALL', key)
end
return ended`;

// A touch never changes an ended or missing record, nor one whose expiry is not after ARGV[4] (now), so a
// keep-alive cannot revive a signed-out or lapsed session. ARGV: lastActivityAt, expiresAt, id, now, keep.
// Returns the record's fields as they now are (none when there is no record).
export const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
if redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return redis.call('HGETALL', KEYS[1]) end
local current = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
if current <= tonumber(ARGV[4]) then return redis.call('HGETALL', KEYS[1]) end
local last = math.max(tonumber(redis.call('HGET', KEYS[1], 'lastActivityAt')), tonumber(ARGV[1]))
local expires = math.max(current, tonumber(ARGV[2]))
local purge = expires + tonumber(ARGV[5])
redis.call('HSET', KEYS[1], 'lastActivityAt', last, 'expiresAt', expires, 'purgeAt', purge)
redis.call('PEXPIREAT', KEYS[1], purge)
redis.call('ZADD', KEYS[2], expires, ARGV[3])
redis.call('PEXPIREAT', KEYS[2], purge, 'GT')
return redis.call('HGETALL', KEYS[1])`;

// ARGV: at, reason, id, keep. The first reason wins. Returns the record's fields as they now are.
// The proof of presence moves forward only, and never on an ended record or one whose expiry is not after ARGV[1] (now).
// One key: the session's hash, on its user's slot.
export const MARK_AUTHENTICATED = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) <= tonumber(ARGV[1]) then return 0 end
local current = tonumber(redis.call('HGET', KEYS[1], 'authenticatedAt')) or 0
if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'authenticatedAt', ARGV[1]) end
return 1`;

export const END = `${FINISH}
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local ended = 0
if redis.call('HEXISTS', KEYS[1], 'endedAt') == 0 then
  finish(KEYS[1], ARGV[3], tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[4]), KEYS[2])
  ended = 1
end
local fields = redis.call('HGETALL', KEYS[1])
table.insert(fields, 'endedNow')
table.insert(fields, ended)
return fields`;

// Ends a record at its own expiry, if nothing has ended or extended it yet (see SessionStore.lapse). ARGV: now,
// absoluteMs, id, keep. Returns the record's fields when this call ended it, 0 when there is no active record
// (missing or ended: its entry in the expiry index is stale), or the expiry it still has (it was extended).
export const LAPSE = `${FINISH}
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 0 end
local expires = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
if expires > tonumber(ARGV[1]) then return expires end
local reason = 'idle'
if expires >= tonumber(redis.call('HGET', KEYS[1], 'createdAt')) + tonumber(ARGV[2]) then reason = 'absolute' end
finish(KEYS[1], ARGV[3], expires, reason, tonumber(ARGV[4]), KEYS[2])
return redis.call('HGETALL', KEYS[1])`;

// One event into its user's sorted set (KEYS[1]), which keeps at most ARGV[4] events and none older than ARGV[3];
// the set itself goes when its newest event leaves the retention. ARGV: at, the event's JSON, the cutoff, the cap, expireAt.
export const APPEND_EVENT = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[4]) + 1))
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIREAT', KEYS[1], ARGV[5]) else redis.call('PEXPIREAT', KEYS[1], ARGV[5], 'GT') end
return 1`;

// "Sign out other sessions" in one step: KEYS[1] the user's index. ARGV: the id to keep, reason, at, keep, the
// prefix of the user's session keys. Returns the fields of each record it ended, as they now are.
export const END_OTHERS = `${FINISH}
local ended = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[3], '+inf')) do
  local key = ARGV[5] .. id
  if id ~= ARGV[1] and redis.call('EXISTS', key) == 1 and redis.call('HEXISTS', key, 'endedAt') == 0 then
    finish(key, id, tonumber(ARGV[3]), ARGV[2], tonumber(ARGV[4]), KEYS[1])
    ended[#ended + 1] = redis.call('HGETALL', key)
  end
end
return ended`;

// The sign-in throttle's counters, each one script on one key. The window is the app's clock, as in SQLite
// (ARGV now and resetAt); Redis's expiry only forgets the key. resetAt is kept as the string the app sent, so
// the outcome of an attempt applies only to the window it was reserved in. ARGV: now, resetAt, heldUntil.
// Reservations whose hold has lapsed (never released) no longer count.
export const RESERVE = `
local now = tonumber(ARGV[1])
local resetAt = redis.call('HGET', KEYS[1], 'resetAt')
if not resetAt or tonumber(resetAt) <= now then
  resetAt = ARGV[2]
  redis.call('HSET', KEYS[1], 'count', 0, 'failures', 0, 'resetAt', resetAt, 'heldUntil', 0)
  redis.call('PEXPIREAT', KEYS[1], resetAt)
end
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures'))
if tonumber(redis.call('HGET', KEYS[1], 'heldUntil') or '0') <= now then redis.call('HSET', KEYS[1], 'count', failures) end
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'heldUntil', ARGV[3])
return {count, failures, tonumber(resetAt)}`;

// The reservation becomes a failure; should its hold have lapsed meanwhile, and the key even been forgotten, the
// failure still counts in its window.
export const FAIL = `
local resetAt = redis.call('HGET', KEYS[1], 'resetAt')
if not resetAt then
  redis.call('HSET', KEYS[1], 'count', 1, 'failures', 1, 'resetAt', ARGV[1], 'heldUntil', 0)
  redis.call('PEXPIREAT', KEYS[1], ARGV[1])
  return 1
end
if resetAt ~= ARGV[1] then return 0 end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if tonumber(redis.call('HGET', KEYS[1], 'count')) < failures then redis.call('HSET', KEYS[1], 'count', failures) end
return failures`;

// A key left with nothing counted is deleted, so names that were only ever refused leave no keys.
export const RELEASE = `
if redis.call('HGET', KEYS[1], 'resetAt') ~= ARGV[1] then return 0 end
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures'))
local count = tonumber(redis.call('HGET', KEYS[1], 'count'))
if ARGV[2] == '1' then
  count = math.max(0, count - 1 - failures)
  failures = 0
else
  count = math.max(failures, count - 1)
end
if count == 0 then redis.call('DEL', KEYS[1]) else redis.call('HSET', KEYS[1], 'count', count, 'failures', failures) end
return count`;
