import 'server-only';
import { z } from 'zod';
import { blankIsUnset } from '../env-schemas';
import { DEFAULT_KEY_PREFIX } from './redis-keys';
import type { RedisTarget } from './redis-connection';

/** What the Redis store reads from the environment: one Redis (`REDIS_URL`) or a cluster's seeds, and a key prefix. */

export interface ClusterNode {
  host: string;
  port: number;
}

// `host:port` or `[v6 address]:port`, each seed once: the client discovers the rest of the cluster from them.
const SEED = /^(?:\[([0-9a-fA-F:.]+)\]|([\w.-]+)):(\d{1,5})$/;

const clusterNodes = blankIsUnset.transform((text, ctx) => {
  if (text === undefined) return undefined;
  const nodes: ClusterNode[] = [];
  for (const seed of text.split(',').map((part) => part.trim())) {
    const match = SEED.exec(seed);
    const port = Number(match?.[3]);
    const host = match?.[1] ?? match?.[2];
    if (!host || !(port >= 1 && port <= 65_535)) {
      ctx.addIssue({ code: 'custom', message: `expected host:port seeds separated by commas, got "${text}"` });
      return z.NEVER;
    }
    nodes.push({ host, port });
  }
  return nodes;
});

/** Each variable alone, so that a wrong one is named even while another store is chosen. */
export const RedisVariables = z.object({
  REDIS_URL: blankIsUnset.pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional()),
  REDIS_CLUSTER_NODES: clusterNodes,
  // No braces: the store's hash tags are its own, and a brace in the prefix would move every key into one slot.
  REDIS_KEY_PREFIX: blankIsUnset.pipe(z.string().regex(/^[\w.:-]{1,64}$/, 'may hold letters, digits and . _ : - only, at most 64').optional()),
});

/** The Redis store's settings: exactly one of the two targets. */
export const RedisSettings = RedisVariables.superRefine((env, ctx) => {
  if (env.REDIS_URL !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'and REDIS_CLUSTER_NODES are both set: give one Redis or one cluster, not both' });
  } else if (env.REDIS_URL === undefined && env.REDIS_CLUSTER_NODES === undefined) {
    ctx.addIssue({ code: 'custom', path: [], message: 'SESSION_STORE=redis needs REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a cluster)' });
  }
}).transform(({ REDIS_URL, REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX }): { prefix: string } & Exclude<RedisTarget, string> => {
  const prefix = REDIS_KEY_PREFIX ?? DEFAULT_KEY_PREFIX;
  return REDIS_CLUSTER_NODES ? { prefix, clusterNodes: REDIS_CLUSTER_NODES } : { prefix, url: REDIS_URL ?? '' };
});
