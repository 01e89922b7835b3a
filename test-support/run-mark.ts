import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  /** The harness's process that started it (`<pid>:<start time>`): a worker of the run, or its main process. */
  by: string;
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
  const entry: Recorded = { pid: child.pid, start, mark: ensureRunMark(), owner: process.env[RUN_OWNER] ?? '', by: `${process.pid}:${startTime(process.pid) ?? ''}` };
  const file = join(registry(), `${entry.pid}-${start}.json`);
  mkdirSync(registry(), { recursive: true });
  // Written whole, then renamed into place: a reader never sees half an entry.
  writeFileSync(`${file}.tmp`, JSON.stringify(entry));
  renameSync(`${file}.tmp`, file);
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
    if (!name.endsWith('.json')) return [];
    const entry = parseEntry(read(join(registry(checkout), name)));
    if (entry && running(entry)) return [entry];
    rmSync(join(registry(checkout), name), { force: true });
    return [];
  });
}

/** An entry as `spawnRecorded` wrote it, or `undefined` for anything else (a stray or damaged file is dropped). */
function parseEntry(text: string | undefined): Recorded | undefined {
  try {
    const entry = JSON.parse(text ?? '') as Partial<Recorded>;
    const { pid, start, mark, owner, by } = entry;
    return typeof pid === 'number' && typeof start === 'string' && typeof mark === 'string' && typeof owner === 'string' && typeof by === 'string'
      ? { pid, start, mark, owner, by }
      : undefined;
  } catch {
    return undefined;
  }
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
  // A process in uninterruptible sleep outlives even SIGKILL for a while: wait for it, but not for ever.
  const killedBy = Date.now() + 10_000;
  while (procs.some(running) && Date.now() < killedBy) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Whether the run that `owner` (`<pid>:<start time>`) owns is still going on. */
const ownerRunning = (owner: string | undefined) => {
  const [pid = '', start = ''] = (owner ?? '').split(':');
  return owner !== undefined && running({ pid: Number(pid), start });
};

/**
 * Before a server is started on `port`: a process of this checkout's test runs that listens there is stopped by its
 * pid if nothing will stop it any more: the harness that started it has gone (a worker that crashed before its
 * clean-up, whose test is now retried) or its whole run has (a run killed outright). A process that a live harness
 * holds, of this run or another, or anyone else's, is left alone, and the caller's own check of the port then refuses
 * to start, saying so.
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
    if (entry) return !ownerRunning(entry.owner) || !ownerRunning(entry.by) ? [{ pid, start }] : [];
    // Not recorded (a server Playwright started, say): stopped only when the run it carries the mark of has ended.
    return carriesMark(environ, checkout, RUN_CHECKOUT) && !ownerRunning(variable(environ, RUN_OWNER)) ? [{ pid, start }] : [];
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
