import { beforeAll, inject } from 'vitest';

// Under Stryker one redis-server serves every run of a worker, and the sessions a run leaves behind
// live for hours: thousands of them would make a later run's listing slow enough to time out, and
// count a mutant as killed that no assertion caught. The worker runs one file at a time, so emptying
// its server here disturbs nobody. (Imported only then: loading the client costs every file a second.)
beforeAll(async () => {
  if (!inject('emptyRedisPerFile')) return;
  const { createClient } = await import('redis');
  const client = await createClient({ url: inject('redisUrl') }).connect();
  await client.flushAll();
  client.destroy();
});
