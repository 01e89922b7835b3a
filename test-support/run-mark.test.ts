import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { carriesMark, markedProcesses, RUN_MARK, stopProcesses } from './run-mark';

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
});
