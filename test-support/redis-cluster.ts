import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { canConnect, waitForPort } from './ports';
import { PORT_BASE } from './redis-server';
import { spawnRecorded, stopOwnListenerOn } from './run-mark';

const run = promisify(execFile);

/**
 * Ports of a test cluster: six nodes at 7100 + 10 × group, each with its bus at port + 10000. Group 0 is the
 * unit tests', 1 the e2e suite's, 2 the benchmarks'; E2E_PORT_BASE moves all of them by 30 per 100, as it
 * moves the single Redis of redis-server.ts (6390..6409), so two checkouts' suites can run side by side.
 */
export const clusterTestPorts = (group: number) => {
  const first = 7100 + ((Math.floor((PORT_BASE - 3100) / 100) * 3 + group) % 30) * 10;
  return Array.from({ length: 6 }, (_, i) => first + i);
};

export interface ClusterNodeProcess {
  port: number;
  pid: number;
}

export interface RunningCluster {
  /** The seeds, as `REDIS_CLUSTER_NODES` spells them. */
  seeds: string;
  nodes: Array<{ host: string; port: number }>;
  /** The node that serves `key`'s slot now. */
  masterOf(key: string): Promise<ClusterNodeProcess>;
  /** Stops one node by its pid, as a crash would (SIGKILL: no goodbye to the others). */
  kill(node: ClusterNodeProcess): Promise<void>;
  /** Resolves once every live node says `cluster_state:ok` and `key`'s slot has a master other than `not`. */
  waitForFailover(key: string, not: ClusterNodeProcess, timeoutMs: number): Promise<ClusterNodeProcess>;
  stop(): Promise<void>;
}

const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout.trim();

async function clusterOk(port: number): Promise<boolean> {
  return (await cli(port, 'cluster', 'info').catch(() => '')).includes('cluster_state:ok');
}

/**
 * Whether the node at `port` is a replica that has finished its first sync with its master. One that has not
 * refuses to fail over (its offset is 0), so a master killed before then leaves its slots without an owner.
 */
async function syncedReplica(port: number): Promise<boolean> {
  const info = await cli(port, 'info', 'replication').catch(() => '');
  return info.includes('role:slave') && info.includes('master_link_status:up');
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`the test cluster: ${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A throw-away Redis Cluster on loopback: three masters and three replicas of Debian's redis-server, without
 * persistence, in a temporary folder, each node stopped by its own pid. Ready when every node says
 * `cluster_state:ok` and every replica has synced with its master: only then can a replica take over. About 3 s.
 */
export async function startRedisCluster(ports: number[]): Promise<RunningCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const children = new Map<number, ChildProcess>();
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await stopOwnListenerOn(port);
      if (await canConnect(port)) throw new Error(`port ${port} is already in use: cannot start a test cluster there`);
      const child = spawnRecorded(
        'redis-server',
        // The node timeout is the failover's: a master silent for 2 s is replaced by its replica. A replica's first
        // sync starts at once: Redis 7.0 otherwise waits 5 s (repl-diskless-sync-delay) for more replicas to share it.
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '2000', '--repl-diskless-sync-delay', '0', '--appendonly', 'no', '--save', '', '--dir', dir],
        { stdio: 'ignore' },
      );
      children.set(port, child);
    }
    await Promise.all(ports.map((port) => waitForPort(port, 10_000)));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes']);
    await waitUntil('not every node said cluster_state:ok', 20_000, async () => (await Promise.all(ports.map(clusterOk))).every(Boolean));
    // One replica per master: half the nodes.
    await waitUntil('a replica did not finish its first sync', 20_000, async () => (await Promise.all(ports.map(syncedReplica))).filter(Boolean).length === ports.length / 2);
  } catch (error) {
    await stop();
    throw error;
  }

  const live = () => ports.filter((port) => { const child = children.get(port); return child?.exitCode === null && child.signalCode === null; });
  const masterOf = async (key: string): Promise<ClusterNodeProcess> => {
    const [first] = live();
    if (first === undefined) throw new Error('no node of the test cluster is running');
    const slot = Number(await cli(first, 'cluster', 'keyslot', key));
    // A line of `cluster nodes`: id, host:port@bus, flags, master, ping, pong, epoch, link state, slot ranges…
    const lines = (await cli(first, 'cluster', 'nodes')).split('\n');
    for (const line of lines) {
      const [, address = '', flags = '', , , , , state, ...ranges] = line.split(' ');
      if (!flags.includes('master') || flags.includes('fail') || state !== 'connected') continue;
      const covers = ranges.some((range) => {
        const [from, to = from] = range.split('-').map(Number);
        return from !== undefined && to !== undefined && slot >= from && slot <= to;
      });
      if (covers) {
        const port = Number(address.split('@')[0]?.split(':')[1]);
        const pid = children.get(port)?.pid;
        if (pid !== undefined) return { port, pid };
      }
    }
    throw new Error(`no live master serves slot ${slot} yet`);
  };

  return {
    seeds: ports.map((port) => `127.0.0.1:${port}`).join(','),
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    masterOf,
    async kill(node) {
      const child = children.get(node.port);
      if (!child || child.pid !== node.pid || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(node.pid, 'SIGKILL');
      await exited;
    },
    async waitForFailover(key, not, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const master = await masterOf(key).catch(() => undefined);
        if (master && master.port !== not.port && (await Promise.all(live().map(clusterOk))).every(Boolean)) return master;
        if (Date.now() > until) throw new Error(`no replica took over within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop,
  };
}
