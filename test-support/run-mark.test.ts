import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canConnect, waitForPort } from './ports';
import { carriesMark, ensureRunMark, markedProcesses, RUN_CHECKOUT, RUN_MARK, RUN_OWNER, running, spawnRecorded, startTime, stopOwnListenerOn, stopProcesses, type Proc } from './run-mark';

const started: Proc[] = [];
afterEach(async () => {
  await stopProcesses(started.splice(0));
});

const procOf = (pid: number): Proc => ({ pid, start: startTime(pid) ?? '' });
const checkout = () => (ensureRunMark(), process.env[RUN_CHECKOUT] ?? '');

/** A shell that starts `sleep` in the background and exits at once: the sleep is an orphan, adopted by init. */
async function orphanSleep(mark: string): Promise<Proc> {
  const pid = await new Promise<number>((resolve) => {
    const shell = spawn('sh', ['-c', 'sleep 60 >/dev/null & echo $!'], { env: { ...process.env, [RUN_MARK]: mark }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    shell.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    shell.once('exit', () => resolve(Number(out.trim())));
  });
  const proc = procOf(pid);
  started.push(proc);
  return proc;
}

/** A process listening on `port`, its parent gone, as a run with this environment left it. */
async function leftListener(port: number, env: Record<string, string>): Promise<Proc> {
  const script = `require('node:net').createServer().listen(${port}, '127.0.0.1')`;
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, ...env }, detached: true, stdio: 'ignore' });
  child.unref();
  const proc = procOf(child.pid ?? 0);
  started.push(proc);
  await waitForPort(port, 5_000);
  return proc;
}

const freePort = () => 7390 + Math.floor(Math.random() * 9);

describe('the run mark', () => {
  it('is read from a NUL-separated environment, exactly', () => {
    expect(carriesMark(`PATH=/bin\0${RUN_MARK}=abc\0HOME=/root`, 'abc')).toBe(true);
    expect(carriesMark(`${RUN_MARK}=abcd\0`, 'abc')).toBe(false);
    expect(carriesMark(`X${RUN_MARK}=abc\0`, 'abc')).toBe(false);
  });

  it('finds a process of the run whose parent has gone, and only the run\'s own, and stops it by its pid', async () => {
    const mark = randomUUID();
    const orphan = await orphanSleep(mark);
    await orphanSleep(randomUUID());
    expect(markedProcesses(mark, checkout()).map(({ pid }) => pid)).toEqual([orphan.pid]);
    await stopProcesses([orphan]);
    expect(running(orphan)).toBe(false);
    expect(markedProcesses(mark, checkout())).toEqual([]);
  });

  it('finds a redis-server, whose new title wipes its environment, through the registry', async () => {
    const port = freePort();
    const redis = spawnRecorded('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], { stdio: 'ignore' });
    const proc = procOf(redis.pid ?? 0);
    started.push(proc);
    await waitForPort(port, 5_000);
    expect(markedProcesses(ensureRunMark(), checkout()).map(({ pid }) => pid)).toContain(proc.pid);
    await stopProcesses([proc]);
    expect(markedProcesses(ensureRunMark(), checkout()).map(({ pid }) => pid)).not.toContain(proc.pid);
  });
});

describe('before a server starts on a port', () => {
  it('stops what an ended run of this checkout left listening there, and the port is free when it returns', async () => {
    const port = freePort();
    const left = await leftListener(port, { [RUN_MARK]: randomUUID(), [RUN_CHECKOUT]: checkout(), [RUN_OWNER]: '999999999:0' });
    await stopOwnListenerOn(port);
    expect(running(left)).toBe(false);
    expect(await canConnect(port)).toBe(false);
  });

  it('stops a listener its harness started and left, crashing, while the run goes on', async () => {
    const port = freePort();
    const listen = `require('node:net').createServer().listen(${port}, '127.0.0.1')`;
    const harness = `import { spawnRecorded } from ${JSON.stringify(join(import.meta.dirname, 'run-mark.ts'))};
spawnRecorded(process.execPath, ['-e', ${JSON.stringify(listen)}], { detached: true, stdio: 'ignore' }).unref();`;
    await new Promise((resolve) => spawn(process.execPath, ['--input-type=module', '-e', harness], { env: process.env, stdio: 'ignore' }).once('exit', resolve));
    await waitForPort(port, 5_000);
    await stopOwnListenerOn(port);
    expect(await canConnect(port)).toBe(false);
  });

  it('leaves alone what a run still going on holds there, and what another checkout holds', async () => {
    const self = `${process.pid}:${startTime(process.pid) ?? ''}`;
    for (const env of [
      { [RUN_MARK]: randomUUID(), [RUN_CHECKOUT]: checkout(), [RUN_OWNER]: self },
      { [RUN_MARK]: randomUUID(), [RUN_CHECKOUT]: '/another/checkout', [RUN_OWNER]: '999999999:0' },
    ]) {
      const port = freePort();
      const held = await leftListener(port, env);
      await stopOwnListenerOn(port);
      expect(running(held)).toBe(true);
      await stopProcesses([held]);
      await waitForPort(port, 5_000, false);
    }
  });
});
