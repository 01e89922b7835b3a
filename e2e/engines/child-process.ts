import type { SpawnOptions } from 'node:child_process';
import { spawnRecorded } from '../../test-support/run-mark';

export interface Child {
  pid: number;
  stop(): Promise<void>;
}

/** Starts `command` and returns a way to stop it by its own pid (never by name: other suites run beside this one). */
export function startChild(command: string, args: string[], options: SpawnOptions = {}) {
  const child = spawnRecorded(command, args, { stdio: 'ignore', ...options });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`could not start ${command}: ${error.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`${command} exited early (${signal ?? `code ${code}`})`)));
  });
  // Whoever starts it races `failed` against its readiness; an early exit after that is no one's business.
  failed.catch(() => undefined);
  return {
    process: child,
    failed,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
