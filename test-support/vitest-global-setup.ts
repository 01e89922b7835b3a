import type { TestProject } from 'vitest/node';
import { clusterTestPorts, startRedisCluster } from './redis-cluster';
import { mutationPostgresPort, postgresTestPort, startPostgres } from './postgres-server';
import { mutationRedisPort, redisTestPort, startRedis } from './redis-server';
import { ensureRunMark } from './run-mark';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** The suite's Postgres (`DATABASE_URL`): each store the tests open gets a schema of its own there. */
    postgresUrl: string;
    /** The seeds of the suite's Redis Cluster (`REDIS_CLUSTER_NODES`), or '' under Stryker, which runs without one. */
    redisClusterNodes: string;
    /** Each test file starts from an empty Redis: see `vitest-setup.ts`. */
    emptyRedisPerFile: boolean;
  }
}

/**
 * Starts the redis-server and the Postgres the store contract suite runs against, and stops them afterwards.
 *
 * Under Stryker (`npm run test:mutation`) each worker process holds one vitest that runs the test files
 * one at a time, hundreds of times over. So each worker gets a server of its own, on a port of its own,
 * and every file empties it before it starts, as a file of `npm test` finds a fresh server.
 */
export default async function setup(project: TestProject) {
  ensureRunMark();
  const worker = process.env.STRYKER_MUTATOR_WORKER;
  const [redis, postgres] = await Promise.all([
    startRedis(worker === undefined ? redisTestPort(0) : mutationRedisPort(Number(worker))),
    startPostgres(worker === undefined ? postgresTestPort(0) : mutationPostgresPort(Number(worker))),
  ]);
  project.provide('redisUrl', redis.url);
  project.provide('postgresUrl', postgres.url);
  project.provide('emptyRedisPerFile', worker !== undefined);
  // Mutation testing runs the suite hundreds of times in several workers: six more servers each would be too
  // many, so there the contract suite runs on SQLite, one Redis and one Postgres only (and says so).
  const cluster = worker === undefined ? await startRedisCluster(clusterTestPorts(0)) : undefined;
  project.provide('redisClusterNodes', cluster?.seeds ?? '');
  return async () => {
    await Promise.all([redis.stop(), postgres.destroy(), cluster?.stop()]);
  };
}
