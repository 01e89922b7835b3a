import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process a test run starts carries this variable in its environment, with the run's own value: servers,
 * Redis nodes, browsers, Xvfb, whoever their parent is by then (an orphan is adopted by init, but keeps the
 * environment it started with). So what a run left behind is found by its mark, and stopped by its pid, never by
 * its name: another checkout's suite may be running beside this one. `scripts/run-steps.mjs` sets it for
 * `npm test`; a suite started on its own sets one of its own.
 */
export const RUN_MARK = 'TEST_RUN_MARK';
/** And the checkout it ran from: what an earlier run of this checkout left (killed mid-run) is found by it. */
export const RUN_CHECKOUT = 'TEST_RUN_CHECKOUT';

export function ensureRunMark(): string {
  process.env[RUN_CHECKOUT] ??= process.cwd();
  process.env[RUN_MARK] ??= randomUUID();
  return process.env[RUN_MARK];
}

export interface MarkedProcess {
  pid: number;
  /** The command line, for the report. */
  command: string;
}

/** Whether a process's environment (`/proc/<pid>/environ`: NUL-separated `NAME=value`) carries `mark`. */
export function carriesMark(environ: string, mark: string, name = RUN_MARK): boolean {
  return environ.split('\0').includes(`${name}=${mark}`);
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or another user's
  }
};

/** The live processes carrying `mark`, but for `except` (the caller). Zombies have no environment left and are not listed. */
export function markedProcesses(mark: string, except: number[] = [process.pid]): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || except.includes(pid)) continue;
    const environ = read(`/proc/${pid}/environ`);
    if (environ === undefined || !carriesMark(environ, mark)) continue;
    found.push({ pid, command: (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim() });
  }
  return found;
}

const alive = (pid: number) => read(`/proc/${pid}/environ`) !== undefined && !/^State:\s+Z/m.test(read(`/proc/${pid}/status`) ?? '');

/** Stops each process by its pid: SIGTERM, then SIGKILL for any still there after `graceMs`. */
export async function stopProcesses(pids: number[], graceMs = 3_000): Promise<void> {
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
}

/**
 * Before a server is started on `port`: if a test run of this checkout already listens there (a retry after a
 * worker crashed before its clean-up, or a run killed outright), it is stopped by its pid. Anyone else's process is
 * left alone, and the caller's own check of the port then refuses to start, saying so.
 */
export async function stopOwnListenerOn(port: number): Promise<void> {
  const checkout = process.env[RUN_CHECKOUT];
  if (!checkout) return;
  let listing = '';
  try {
    listing = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  } catch {
    return; // no `ss`: the port check that follows still refuses a busy port
  }
  const pids = [...new Set([...listing.matchAll(/pid=(\d+)/g)].map(([, pid]) => Number(pid)))];
  const ours = pids.filter((pid) => carriesMark(read(`/proc/${pid}/environ`) ?? '', checkout, RUN_CHECKOUT));
  if (ours.length > 0) await stopProcesses(ours);
}
