import type { TestProject } from 'vitest/node';
import { clusterTestPorts, startRedisCluster } from './redis-cluster';
import { mutationRedisPort, redisTestPort, startRedis } from './redis-server';
import { ensureRunMark } from './run-mark';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** The seeds of the suite's Redis Cluster (`REDIS_CLUSTER_NODES`), or '' under Stryker, which runs without one. */
    redisClusterNodes: string;
    /** Each test file starts from an empty Redis: see `vitest-setup.ts`. */
    emptyRedisPerFile: boolean;
  }
}

/**
 * Starts the redis-server the store contract suite runs against, and stops it afterwards.
 *
 * Under Stryker (`npm run test:mutation`) each worker process holds one vitest that runs the test files
 * one at a time, hundreds of times over. So each worker gets a server of its own, on a port of its own,
 * and every file empties it before it starts, as a file of `npm test` finds a fresh server.
 */
export default async function setup(project: TestProject) {
  ensureRunMark();
  const worker = process.env.STRYKER_MUTATOR_WORKER;
  const redis = await startRedis(worker === undefined ? redisTestPort(0) : mutationRedisPort(Number(worker)));
  project.provide('redisUrl', redis.url);
  project.provide('emptyRedisPerFile', worker !== undefined);
  // Mutation testing runs the suite hundreds of times in several workers: six more servers each would be too
  // many, so there the contract suite runs on SQLite and one Redis only (and says so).
  const cluster = worker === undefined ? await startRedisCluster(clusterTestPorts(0)) : undefined;
  project.provide('redisClusterNodes', cluster?.seeds ?? '');
  return async () => {
    await Promise.all([redis.stop(), cluster?.stop()]);
  };
}
