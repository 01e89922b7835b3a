import type { TestProject } from 'vitest/node';
import { redisTestPort, startRedis } from './redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** Starts the redis-server the store contract suite runs against, and stops it afterwards. */
export default async function setup(project: TestProject) {
  const redis = await startRedis(redisTestPort(0));
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
