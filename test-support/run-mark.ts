import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Nothing a test run starts may outlive it, so every process it starts can be found again and stopped by its pid,
 * never by its name (another checkout's suite may be running beside this one). Two ways, since neither is enough:
 * - Every process carries the run's mark in its environment, inherited by servers, browsers and Xvfb whoever
 *   their parent is by then (an orphan is adopted by init, but keeps the environment it started with).
 * - Programs that rewrite their title (redis-server; Chromium's helpers, which go with their browser) wipe what
 *   /proc shows of their environment, so the harnesses also write each process they start into a registry of the
 *   checkout (`.data/test-processes/`), with its start time, so that a reused pid is never taken for it.
 * `scripts/run-steps.mjs` sets the mark for `npm test`; a suite started on its own sets one of its own.
 */
export const RUN_MARK = 'TEST_RUN_MARK';
/** The checkout the run is of: its registry, and what an earlier run of it left behind. */
export const RUN_CHECKOUT = 'TEST_RUN_CHECKOUT';
/** The process that owns the run (`<pid>:<start time>`): while it lives, the run is going on. */
export const RUN_OWNER = 'TEST_RUN_OWNER';

/** A process as /proc knows it: its pid and its start time, which together never name another. */
export interface Proc {
  pid: number;
  start: string;
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or another user's
  }
};

/** The start time of `pid` (clock ticks since boot, field 22 of /proc/<pid>/stat), or `undefined` when it is gone. */
export function startTime(pid: number): string | undefined {
  const stat = read(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/**
 * Whether the process still runs: a zombie whose other threads still run (and hold its sockets) counts as running,
 * one that is only waiting to be reaped does not.
 */
export function running({ pid, start }: Proc): boolean {
  if (startTime(pid) !== start) return false;
  const status = read(`/proc/${pid}/status`) ?? '';
  return !/^State:\s+Z/m.test(status) || Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0) > 1;
}

export function ensureRunMark(): string {
  process.env[RUN_CHECKOUT] ??= process.cwd();
  process.env[RUN_OWNER] ??= `${process.pid}:${startTime(process.pid) ?? ''}`;
  process.env[RUN_MARK] ??= randomUUID();
  return process.env[RUN_MARK];
}

/** Whether a process's environment (`/proc/<pid>/environ`: NUL-separated `NAME=value`) says `name=value`. */
export function carriesMark(environ: string, value: string, name = RUN_MARK): boolean {
  return environ.split('\0').includes(`${name}=${value}`);
}

const environOf = (pid: number) => read(`/proc/${pid}/environ`) ?? '';
const variable = (environ: string, name: string) => environ.split('\0').find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);

interface Recorded extends Proc {
  mark: string;
  owner: string;
}

const registry = (checkout = process.env[RUN_CHECKOUT] ?? process.cwd()) => join(checkout, '.data', 'test-processes');

/**
 * `spawn`, and the process written into the registry of this run until it exits: every harness that starts a server,
 * a Redis node or an X server starts it through here.
 */
export function spawnRecorded(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  const start = child.pid === undefined ? undefined : startTime(child.pid);
  if (child.pid === undefined || start === undefined) return child;
  const entry: Recorded = { pid: child.pid, start, mark: ensureRunMark(), owner: process.env[RUN_OWNER] ?? '' };
  const file = join(registry(), `${entry.pid}-${start}.json`);
  mkdirSync(registry(), { recursive: true });
  writeFileSync(file, JSON.stringify(entry));
  child.once('exit', () => rmSync(file, { force: true }));
  return child;
}

/** The registry's entries whose processes still run; those of processes gone are removed on the way. */
function recorded(checkout?: string): Recorded[] {
  let names: string[] = [];
  try {
    names = readdirSync(registry(checkout));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const entry = JSON.parse(read(join(registry(checkout), name)) ?? 'null') as Recorded | null;
    if (entry && running(entry)) return [entry];
    rmSync(join(registry(checkout), name), { force: true });
    return [];
  });
}

export interface MarkedProcess extends Proc {
  /** The command line, for the report. */
  command: string;
}

/**
 * The live processes of the run `mark` of `checkout`, but for `except` (the caller): those whose environment carries
 * the mark, and those its harnesses recorded. Zombies with nothing left running are not listed.
 */
export function markedProcesses(mark: string, checkout: string, except: number[] = [process.pid]): MarkedProcess[] {
  const found = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || except.includes(pid) || !carriesMark(environOf(pid), mark)) continue;
    const start = startTime(pid);
    if (start !== undefined && running({ pid, start })) found.set(pid, { pid, start });
  }
  for (const entry of recorded(checkout)) if (entry.mark === mark && !except.includes(entry.pid)) found.set(entry.pid, entry);
  return [...found.values()].map((proc) => ({ ...proc, command: (read(`/proc/${proc.pid}/cmdline`) ?? '').split('\0').join(' ').trim() }));
}

/** Stops each process by its pid: SIGTERM, then SIGKILL for any still there, and still the same one, after `graceMs`. */
export async function stopProcesses(procs: Proc[], graceMs = 3_000): Promise<void> {
  const signal = ({ pid }: Proc, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  for (const proc of procs.filter(running)) signal(proc, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (procs.some(running) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const proc of procs.filter(running)) signal(proc, 'SIGKILL');
  while (procs.some(running)) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Whether the run that `owner` (`<pid>:<start time>`) owns is still going on. */
const ownerRunning = (owner: string | undefined) => {
  const [pid = '', start = ''] = (owner ?? '').split(':');
  return owner !== undefined && running({ pid: Number(pid), start });
};

/**
 * Before a server is started on `port`: a process of this checkout's test runs that listens there is stopped by its
 * pid, if it is this run's own (a retry after a worker crashed before its clean-up) or its run has ended (a run killed
 * outright). A process of another run still going on, or of anyone else, is left alone, and the caller's own check
 * of the port then refuses to start, saying so.
 */
export async function stopOwnListenerOn(port: number): Promise<void> {
  const checkout = process.env[RUN_CHECKOUT];
  if (!checkout) return;
  const pids = listenersOn(port);
  const ours = recorded(checkout);
  const leftovers = pids.flatMap((pid): Proc[] => {
    const start = startTime(pid);
    if (start === undefined) return [];
    const environ = environOf(pid);
    const entry = ours.find((recordedProc) => recordedProc.pid === pid && recordedProc.start === start);
    const mark = entry?.mark ?? (carriesMark(environ, checkout, RUN_CHECKOUT) ? variable(environ, RUN_MARK) : undefined);
    if (mark === undefined) return [];
    const owner = entry?.owner ?? variable(environ, RUN_OWNER);
    return mark === process.env[RUN_MARK] || !ownerRunning(owner) ? [{ pid, start }] : [];
  });
  if (leftovers.length === 0) return;
  await stopProcesses(leftovers);
  // Gone with all their threads, they hold no socket; the kernel may take a moment to show it.
  const until = Date.now() + 5_000;
  while (listenersOn(port).length > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The pids listening on `port` (`ss`, from iproute2); none when `ss` is missing, and the caller's port check then decides. */
function listenersOn(port: number): number[] {
  try {
    const listing = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    return [...new Set([...listing.matchAll(/pid=(\d+)/g)].map(([, pid]) => Number(pid)))];
  } catch {
    return [];
  }
}
