import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { canConnect, waitForPort } from './redis-server';
import { carriesMark, ensureRunMark, markedProcesses, RUN_CHECKOUT, RUN_MARK, stopOwnListenerOn, stopProcesses } from './run-mark';

const started: number[] = [];
afterEach(async () => {
  await stopProcesses(started.splice(0));
});

/** A shell that starts `sleep` in the background and exits at once: the sleep is an orphan, adopted by init. */
function orphanSleep(mark: string): Promise<number> {
  return new Promise((resolve) => {
    const shell = spawn('sh', ['-c', 'sleep 60 & echo $!'], { env: { ...process.env, [RUN_MARK]: mark }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    shell.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    shell.once('exit', () => resolve(Number(out.trim())));
  });
}

/** A listener on `port` left by a run of `checkout`, its parent gone. */
async function leftListener(port: number, checkout: string): Promise<number> {
  const script = `require('node:net').createServer().listen(${port}, '127.0.0.1')`;
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, [RUN_MARK]: randomUUID(), [RUN_CHECKOUT]: checkout }, detached: true, stdio: 'ignore' });
  child.unref();
  started.push(child.pid ?? 0);
  await waitForPort(port, 5_000);
  return child.pid ?? 0;
}

describe('the run mark', () => {
  it('is read from a NUL-separated environment, exactly', () => {
    expect(carriesMark(`PATH=/bin\0${RUN_MARK}=abc\0HOME=/root`, 'abc')).toBe(true);
    expect(carriesMark(`${RUN_MARK}=abcd\0`, 'abc')).toBe(false);
    expect(carriesMark(`X${RUN_MARK}=abc\0`, 'abc')).toBe(false);
  });

  it('finds a process of the run whose parent has gone, and only the run\'s own, and stops it by its pid', async () => {
    const mark = randomUUID();
    const orphan = await orphanSleep(mark);
    const other = await orphanSleep(randomUUID());
    started.push(orphan, other);
    expect(markedProcesses(mark).map(({ pid, command }) => [pid, command])).toEqual([[orphan, 'sleep 60']]);
    await stopProcesses([orphan]);
    expect(markedProcesses(mark)).toEqual([]);
  });

  it('before a server starts on a port, stops what an earlier run of this checkout left there, and nothing else', async () => {
    ensureRunMark();
    const port = 7390 + Math.floor(Math.random() * 9);
    await leftListener(port, process.env[RUN_CHECKOUT] ?? '');
    await stopOwnListenerOn(port);
    expect(await canConnect(port)).toBe(false);
    await leftListener(port, '/another/checkout');
    await stopOwnListenerOn(port);
    expect(await canConnect(port)).toBe(true);
  });
});
