import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startApp, type AppOptions, type RunningApp } from '../test-support/app-server';
import type { SignInAnswer } from '../test-support/sign-in';
import { BENCH_PORT } from './ports';


export interface BenchApp extends RunningApp {
  /** The process that listens (next-server), not the CLI that started it. */
  pid: number;
}

/** The pid of the process listening on `port`. */
export function listenerPid(port: number): number {
  const listing = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = Number(/pid=(\d+)/.exec(listing)?.[1]);
  if (!pid) throw new Error(`could not find the process listening on port ${port}`);
  return pid;
}

export async function startBenchApp(offset: number, env: Record<string, string>, options?: AppOptions): Promise<BenchApp> {
  const app = await startApp(BENCH_PORT + offset, env, options);
  try {
    return { ...app, pid: listenerPid(app.port) };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

/** CPU time the process has used (user + system, every thread), in microseconds. */
export function cpuUs(pid: number): number {
  // /proc/<pid>/stat fields 14 and 15, after the command name in parentheses; Linux counts them in 1/100 s.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export function rssMiB(pid: number): number {
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kib / 1024;
}

/** A signed-in cookie and who every answer to it must name. */
export interface SignedIn {
  cookie: string;
  identity: string;
}

/** The identity a session answer names; `undefined` for an answer that names nobody. */
export type Identify = (body: unknown) => string | undefined;

/** Our status and keep-alive answers: the user and a tag of the session id, so a mix-up of sessions shows too. */
export const identifyOurs: Identify = (body) => {
  const parsed = body as { authenticated?: boolean; user?: { username?: string }; sessionTag?: string };
  return parsed.authenticated === true ? `${parsed.user?.username}:${parsed.sessionTag}` : undefined;
};

/** A sign-in's answer as a bench session; anything but a 200 with a cookie naming someone stops the bench. */
export function asSignedIn(answer: SignInAnswer): SignedIn {
  const identity = identifyOurs(answer.body);
  if (answer.status !== 200 || !answer.cookie || !identity) throw new Error(`sign-in answered ${answer.status}`);
  return { cookie: answer.cookie, identity };
}

/** Runs `count` calls of `make`, `concurrency` at a time, and returns their results in order. */
export async function inParallel<T>(count: number, concurrency: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) results[index] = await make(index);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Signed-in sessions, one after another for each request the load sends. */
  sessions?: readonly SignedIn[];
  /**
   * Checks every 2xx answer: the identity it names must be the session's (or `ok` for a bare route);
   * an answer that names someone else, or nobody, counts as bad.
   */
  identify: Identify;
}

/** The bare routes' answer, `{ok: true}`, in every app. */
export const identifyBare: Identify = (body) => ((body as { ok?: unknown }).ok === true ? 'ok' : undefined);

export interface LoadFigures {
  rps: number;
  p99: number;
  /** Errors, timeouts, non-2xx and answers that did not name the session's user. */
  bad: number;
  /** Answers whose body was checked. */
  checked: number;
  /**
   * The server's CPU time per answer, when its pid is given. Unlike throughput it hardly moves when other
   * work shares the machine, so the ratio of two of them is the steadier figure on a busy machine.
   */
  cpuUsPerAnswer: number;
}

function names(identify: Identify, body: string, expected: string): boolean {
  try {
    return identify(JSON.parse(body)) === expected;
  } catch {
    return false;
  }
}

/** Drives one endpoint for `durationS` with `connections`, checking every answer's body; `pid` is the server's, for its CPU time. */
export async function load(base: string, endpoint: Endpoint, connections: number, durationS: number, pid?: number): Promise<LoadFigures> {
  const { sessions, identify } = endpoint;
  const headers: Record<string, string> = endpoint.body ? { 'content-type': 'application/json' } : {};
  let next = 0;
  let checked = 0;
  let mismatches = 0;
  const cpuBefore = pid === undefined ? Number.NaN : cpuUs(pid);
  const result = await autocannon({
    url: base,
    connections,
    duration: durationS,
    timeout: 10,
    requests: [
      {
        method: endpoint.method,
        path: endpoint.path,
        headers,
        ...(endpoint.body ? { body: endpoint.body } : {}),
        // The context belongs to the connection, which waits for each answer before its next request.
        setupRequest: (request, context) => {
          const session = sessions?.[next++ % sessions.length];
          context.expected = session?.identity ?? 'ok';
          return session ? { ...request, headers: { ...request.headers, cookie: session.cookie } } : request;
        },
        onResponse: (status, body, context) => {
          if (status < 200 || status > 299) return;
          checked += 1;
          if (!names(identify, body, String(context.expected))) mismatches += 1;
        },
      },
    ],
  });
  const cpu = pid === undefined ? Number.NaN : cpuUs(pid) - cpuBefore;
  return {
    cpuUsPerAnswer: cpu / (result['2xx'] + result.non2xx),
    rps: result.requests.average,
    p99: result.latency.p99,
    // A 2xx answer that was not checked would be a hole in the check: it counts as bad too.
    bad: result.errors + result.timeouts + result.non2xx + mismatches + Math.max(0, result['2xx'] - checked),
    checked,
  };
}
