// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.

/** Every key starts with it, so two apps or two environments can share one Redis (`REDIS_KEY_PREFIX`). */
export const DEFAULT_KEY_PREFIX = 'sessions:';

/**
 * How many sorted sets hold the index of everyone's active sessions, each in a hash slot of its own.
 *
 * Why shards of one index rather than anything else: on a cluster one global set would be a hot key that
 * every sign-in and keep-alive writes, on one node. A user's sessions go to the shard their name hashes
 * to, so a keep-alive writes its user's slot and one shard that a sixteenth of the users share, and the
 * administrator's page merges the sixteen shards' first entries: one page costs 16 × (offset + page size)
 * entries read, whatever the number of sessions, never a SCAN of every node. Time buckets would spread the
 * writes the same way but move a session between buckets at every keep-alive; a set of active users would
 * need every user's own index read to put one page in order.
 */
export const INDEX_SHARDS = 16;

/**
 * The keys of one app's sessions, all under `prefix`. One user's keys share one hash tag, the user's name
 * (URI-encoded, so no brace in a name can end the tag early or leave it empty), so create, touch, end and
 * "sign out other sessions" are each one script on one slot of a cluster.
 */
export function redisKeys(prefix: string) {
  const tag = (username: string) => `{${encodeURIComponent(username)}}`;
  return {
    /** A hash per session, expired by Redis at its purge time. */
    session: (username: string, id: string) => `${prefix}${tag(username)}:s:${id}`,
    /** The script's way to the user's other sessions: `sessionOf + id`, built inside the same slot. */
    sessionOf: (username: string) => `${prefix}${tag(username)}:s:`,
    /** The ids of the user's active sessions, scored by expiry. */
    userIndex: (username: string) => `${prefix}${tag(username)}:sessions`,
    /** Which user a session id belongs to, for the callers that know only the id (an administrator's "End session"). */
    owner: (id: string) => `${prefix}owner:{${id}}`,
    /** One shard of everyone's active sessions: members `<id>/<encoded user>`, scored by expiry. */
    shard: (index: number) => `${prefix}all:{${index}}`,
    shardOf: (username: string) => `${prefix}all:{${shardIndex(username)}}`,
    shardMember: (username: string, id: string) => `${id}/${encodeURIComponent(username)}`,
    /** The user's events, a sorted set scored by time whose members are the events' JSON, capped and trimmed by the store. */
    /** The sharded pub/sub channel of the user's ends: in the user's slot, so a notice stays on that one shard. */
    ends: (username: string) => `${prefix}${tag(username)}:ends`,
    userEvents: (username: string) => `${prefix}${tag(username)}:events`,
    /**
     * One shard of everyone's events (of one kind, when `kind` is given), members and scores as in `userEvents`. Sharded
     * like the sessions' index and for the same reason; the `e` keeps the shards off the slots of the sessions' ones.
     */
    eventShard: (index: number, kind?: string) => `${prefix}events:${kind === undefined ? '' : `${kind}:`}{e${index}}`,
    eventShardOf: (username: string, kind?: string) => `${prefix}events:${kind === undefined ? '' : `${kind}:`}{e${shardIndex(username)}}`,
    /**
     * A hash per sign-in throttle key (count, failures, resetAt, heldUntil), expired by Redis when its window closes.
     * The key, which holds a name as typed, is encoded into a tag of its own like a user's: no brace in it picks the slot.
     */
    attempts: (key: string) => `${prefix}a:${tag(key)}`,
    /**
     * The sessions signed in through the OpenID provider, per subject and per provider session (`sid`): sets of
     * `shardMember`s, each expired with the latest purge of its sessions, for a back-channel logout to find them by.
     */
    providerSubject: (subject: string) => `${prefix}p:${tag(subject)}`,
    providerSession: (sessionId: string) => `${prefix}ps:${tag(sessionId)}`,
    /** A key used once (a logout token's jti), expired by Redis when its use stops counting. */
    usedOnce: (key: string) => `${prefix}once:${tag(key)}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** FNV-1a of the name: any even spread does, and this one costs nothing next to a round trip. */
function shardIndex(username: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < username.length; i += 1) hash = Math.imul(hash ^ username.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % INDEX_SHARDS;
}

/** The session id and user a shard's member names, or `undefined` for a member this layout did not write. */
export function parseShardMember(member: string): { id: string; username: string } | undefined {
  // The encoded name holds no slash (encodeURIComponent escapes it), so the last one is the separator.
  const slash = member.lastIndexOf('/');
  if (slash < 1) return undefined;
  try {
    return { id: member.slice(0, slash), username: decodeURIComponent(member.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}
