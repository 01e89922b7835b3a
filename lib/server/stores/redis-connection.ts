// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { CONNECT_WAIT_MS } from './types';

/** How the Redis store reaches Redis: one server or a cluster, failing fast while a node is down. */

export async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
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

/** One Redis (`REDIS_URL`) or the seeds of a Redis Cluster (`REDIS_CLUSTER_NODES`), as config.ts reads them. */
export type RedisTarget = string | { url: string } | { clusterNodes: Array<{ host: string; port: number }> };

// The commands this store sends, which one Redis and a cluster both take; a cluster routes each by its first key.
export type Redis = Pick<RedisClientType, 'eval' | 'get' | 'set' | 'hGetAll' | 'pExpireAt' | 'zAdd' | 'zRem' | 'zRange' | 'zRangeWithScores' | 'zCount' | 'zRemRangeByScore' | 'sPublish' | 'sAdd' | 'sMembers' | 'sRem' | 'del' | 'exists'>;
export type Connection = (RedisClientType | RedisClusterType) & { isReady: boolean; isOpen: boolean };

// Commands fail at once while a node is down (no offline queue): the request answers 503 rather than waiting.
const SOCKET = { connectTimeout: CONNECT_WAIT_MS, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) };

export function connect(target: RedisTarget): Connection {
  if (typeof target === 'string' || 'url' in target) {
    return createClient({ url: typeof target === 'string' ? target : target.url, disableOfflineQueue: true, socket: SOCKET });
  }
  return createCluster({
    rootNodes: target.clusterNodes.map(({ host, port }) => ({ socket: { host, port } })),
    defaults: { disableOfflineQueue: true, socket: SOCKET },
  }) as unknown as Connection;
}
