import { execFile, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { canConnect, waitForPort } from './ports';
import { machineProbe, postgresBinDir } from './preflight';
import { PORT_BASE } from './redis-server';
import { spawnRecorded, stopOwnListenerOn } from './run-mark';

const run = promisify(execFile);

/**
 * Test ports for Postgres: ten per checkout in 5600..5699, moved by E2E_PORT_BASE (3100: 5600..5609, 3200:
 * 5610..5619), so suites of checkouts with different bases never share one; Stryker's workers take 5700 and up.
 */
export const postgresTestPort = (offset = 0) => 5600 + ((Math.floor((PORT_BASE - 3100) / 100) * 10 + offset) % 100);
export const mutationPostgresPort = (worker: number) => 5700 + worker;

export interface RunningPostgres {
  /** `DATABASE_URL` for it: the `postgres` superuser, database `postgres`, no password (trust on loopback). */
  url: string;
  port: number;
  /** Stops the server, as an outage would (a fast shutdown: connections are cut); its data stays for `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data, after `stop`. */
  start(): Promise<void>;
  /** Stops it and deletes its data: every suite calls this, pass or fail. */
  destroy(): Promise<void>;
}

/**
 * `initdb` refuses to run as root, and the server refuses to start as root: as root, both run as Debian's
 * `postgres` user (made by the package), the folder theirs; as anyone else, as that user.
 */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error('running as root, Postgres needs the unprivileged user `postgres` (apt-get install postgresql makes it)');
  }
}

/**
 * A throw-away PostgreSQL on loopback: a new cluster made by `initdb` in a temporary folder, the server started
 * by its own pid and stopped by it. Made for tests: no fsync (a crash of the machine may lose it; a crash of the
 * server loses nothing the operating system was given), trust authentication on 127.0.0.1 only.
 */
export async function startPostgres(port: number): Promise<RunningPostgres> {
  const bin = postgresBinDir(machineProbe({ chromium: '', firefox: '', webkit: '' }));
  if (!bin) throw new Error('no PostgreSQL server programs found (apt-get install postgresql, or set POSTGRES_BIN_DIR)');
  await stopOwnListenerOn(port);
  if (await canConnect(port)) throw new Error(`port ${port} is already in use: cannot start a test Postgres there`);

  const user = await serverUser();
  const home = mkdtempSync(join(tmpdir(), 'session-postgres-'));
  if (user) chownSync(home, user.uid, user.gid);
  const data = join(home, 'data');
  const asServer = { ...user, env: { ...process.env, LC_ALL: 'C' } };
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], asServer);
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw new Error(`initdb failed as ${user ? 'postgres' : userInfo().username}: ${(error as Error).message}`);
  }

  let child: ChildProcess | undefined;
  async function start() {
    const server = spawnRecorded(
      join(bin ?? '', 'postgres'),
      // The socket in its own folder (the system's may not exist or be another's); TCP on loopback only.
      ['-D', data, '-p', String(port), '-k', home, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
      { ...asServer, stdio: ['ignore', 'ignore', process.env.E2E_SERVER_LOGS ? 'inherit' : 'ignore'] },
    );
    child = server;
    const failed = new Promise<never>((_, reject) => {
      server.once('error', (error) => reject(new Error(`could not start postgres: ${error.message}`)));
      server.once('exit', (code) => reject(new Error(`postgres exited with code ${code} while starting`)));
    });
    failed.catch(() => {});
    await Promise.race([waitForPort(port, 20_000), failed]);
  }

  async function stop() {
    const server = child;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    // SIGINT is Postgres's fast shutdown: open connections are cut, as an outage cuts them (SIGTERM would wait for them).
    server.kill('SIGINT');
    const late = setTimeout(() => server.kill('SIGQUIT'), 10_000);
    await exited;
    clearTimeout(late);
  }

  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
