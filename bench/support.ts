import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startApp, type RunningApp } from '../e2e/app-server';

/** Bench servers listen on 3300..3349, apart from the test suite's ports. */
export const BENCH_PORT = Number(process.env.BENCH_PORT_BASE ?? 3300);

export interface BenchApp extends RunningApp {
  /** The process that listens (next-server), not the CLI that started it. */
  pid: number;
}

export async function startBenchApp(offset: number, env: Record<string, string>): Promise<BenchApp> {
  const app = await startApp(BENCH_PORT + offset, env);
  const listing = execFileSync('ss', ['-ltnpH', `sport = :${app.port}`], { encoding: 'utf8' });
  const pid = Number(/pid=(\d+)/.exec(listing)?.[1]);
  if (!pid) {
    await app.stop();
    throw new Error(`could not find the process listening on port ${app.port}`);
  }
  return { ...app, pid };
}

export function rssMiB(pid: number): number {
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kib / 1024;
}

export async function signInOverHttp(base: string, username = 'demo', password = 'demo-password'): Promise<string> {
  const response = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (response.status !== 200 || !cookie) throw new Error(`sign-in answered ${response.status}`);
  return cookie;
}

export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** A cookie for each request, e.g. one of many sessions. */
  cookie?: () => string;
}

export interface LoadFigures {
  rps: number;
  p99: number;
  bad: number;
}

/** Drives one endpoint for `durationS` with `connections`; counts errors, timeouts and non-2xx as bad. */
export async function load(base: string, endpoint: Endpoint, connections: number, durationS: number): Promise<LoadFigures> {
  const headers: Record<string, string> = endpoint.body ? { 'content-type': 'application/json' } : {};
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
        ...(endpoint.cookie ? { setupRequest: (request) => ({ ...request, headers: { ...request.headers, cookie: endpoint.cookie?.() ?? '' } }) } : {}),
      },
    ],
  });
  return { rps: result.requests.average, p99: result.latency.p99, bad: result.errors + result.timeouts + result.non2xx };
}
