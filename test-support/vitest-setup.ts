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

// The event log writes one JSON line per event to standard output, as it does in production; in a test report those
// lines would bury everything else. They are dropped here, on their way to the terminal only: a test that spies on
// standard output sees every one, since its spy replaces this. SHOW_SESSION_EVENTS=1 lets them through.
if (!process.env.SHOW_SESSION_EVENTS) {
  const write = process.stdout.write.bind(process.stdout) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.startsWith('{"sessionEvent"') ? true : write(chunk, ...rest)) as typeof process.stdout.write;
}
