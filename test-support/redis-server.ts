import { canConnect, waitForPort } from './ports';
import { spawnRecorded, stopOwnListenerOn } from './run-mark';

/**
 * Test ports: derived from E2E_PORT_BASE (3100 by default), so two checkouts' suites can run side by
 * side. Redis gets 6390.. (base 3100 -> 6390, 3200 -> 6391); extra app servers base+2..base+99.
 */
export const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 3100);
export const redisTestPort = (offset = 0) => 6390 + ((Math.floor((PORT_BASE - 3100) / 100) * 3 + offset) % 10);
/** Stryker's workers (STRYKER_MUTATOR_WORKER 0, 1, … and a new number for each restarted one) take 6400 and up. */
export const mutationRedisPort = (worker: number) => 6400 + worker;

export interface RunningRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A throw-away redis-server on loopback, without persistence, stopped by its own pid. */
export async function startRedis(port: number): Promise<RunningRedis> {
  await stopOwnListenerOn(port);
  if (await canConnect(port)) throw new Error(`port ${port} is already in use: cannot start a test redis-server there`);
  const child = spawnRecorded('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`could not start redis-server (apt-get install redis-server): ${error.message}`))),
  );
  await Promise.race([waitForPort(port, 10_000), failed]);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
