import type { ChildProcess } from 'node:child_process';
import { PORT_BASE } from './redis-server';
import { spawnRecorded, stopOwnListenerOn } from './run-mark';
import { TEST_SECRET } from './servers';

/** Ports for the app servers a spec starts itself: base+2..base+99, so E2E_PORT_BASE moves them too. */
export const appPort = (offset: number) => PORT_BASE + offset;

export interface RunningApp {
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function waitUntilUp(url: string, readyPath: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server for ${url} exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}${readyPath}`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the app server for ${url} did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface AppOptions {
  /** The app's folder: this one unless another app (a benchmark's peer) is started. */
  cwd?: string;
  /** A route that answers 200 once the server is ready. */
  readyPath?: string;
}

/** Starts the production build (`next start`) on `port` with extra environment, and stops it by its own process group. */
export async function startApp(port: number, env: Record<string, string>, { cwd, readyPath = '/login' }: AppOptions = {}): Promise<RunningApp> {
  await stopOwnListenerOn(port);
  const child = spawnRecorded('next', ['start', '--port', String(port)], {
    cwd,
    env: { ...process.env, SESSION_SECRET: TEST_SECRET, NEXT_TELEMETRY_DISABLED: '1', ...env },
    // The servers' own logs (503s, purges) only with E2E_SERVER_LOGS=1.
    stdio: ['ignore', 'ignore', process.env.E2E_SERVER_LOGS ? 'inherit' : 'ignore'],
    detached: true,
  });
  const url = `http://localhost:${port}`;
  await waitUntilUp(url, readyPath, child, 60_000);
  return {
    url,
    port,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}
