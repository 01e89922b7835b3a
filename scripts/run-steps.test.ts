import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canConnect } from '../test-support/ports';

// The runner of `npm test`, run on a package of its own whose steps misbehave as a test or a harness might.
const RUNNER = join(import.meta.dirname, 'run-steps.mjs');
const dir = mkdtempSync(join(tmpdir(), 'run-steps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REDIS_PORT = 7380 + Math.floor(Math.random() * 9);
const harness = `import { spawnRecorded } from ${JSON.stringify(join(import.meta.dirname, '../test-support/run-mark.ts'))};
spawnRecorded('redis-server', ['--port', '${REDIS_PORT}', '--bind', '127.0.0.1', '--save', ''], { detached: true, stdio: 'ignore' }).unref();`;
writeFileSync(join(dir, 'harness.mjs'), harness);

const STEPS = {
  ok: 'true',
  // A harness that starts a redis-server and crashes before it stops it: redis-server's new title wipes what /proc
  // shows of its environment, so only the registry knows it.
  'leaves-redis': `${JSON.stringify(process.execPath)} --disable-warning=MODULE_TYPELESS_PACKAGE_JSON harness.mjs && sleep 0.5`,
  fails: 'exit 3',
  // A server started in the background, in a process group of its own, that nobody stops: a harness's leak.
  leaves: 'setsid sleep 61 > /dev/null 2>&1 & echo started',
  // A step still running when Ctrl-C comes, with a detached server of its own.
  waits: 'setsid sleep 62 > /dev/null 2>&1 & echo started; sleep 30',
};
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'steps', version: '1.0.0', private: true, scripts: STEPS }));

/** The runner in a process group of its own, as a terminal's foreground job: `interrupt` is Ctrl-C, sent to the whole group. */
function runSteps(steps: string[], onOutput?: (text: string, interrupt: () => void) => void) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', RUNNER, ...steps], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, RUN_STEPS_GRACE_MS: '1000' },
    });
    let output = '';
    const add = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput?.(output, () => process.kill(-(child.pid ?? 0), 'SIGINT'));
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const running = (pattern: string) =>
  new Promise<boolean>((resolve) => {
    const ps = spawn('ps', ['-eo', 'args'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    ps.once('exit', () => resolve(out.split('\n').some((line) => line.trim() === pattern)));
  });

describe('npm test\'s runner', () => {
  it('runs the steps in order and stops at the first that fails, with its exit code', { timeout: 60_000 }, async () => {
    const { code, output } = await runSteps(['ok', 'fails', 'ok']);
    expect(code).toBe(3);
    expect(output).toContain('stopped at fails (exit code 3)');
    expect(output.match(/> steps@1\.0\.0 ok/g)).toHaveLength(1);
  });

  it('fails a run that leaves a process behind, names it, and stops it by its pid', { timeout: 60_000 }, async () => {
    const { code, output } = await runSteps(['ok', 'leaves']);
    expect(code).toBe(1);
    expect(output).toMatch(/Still running after the run[^\n]*\n\s+\d+ sleep 61/);
    expect(await running('sleep 61')).toBe(false);
  });

  it('finds a redis-server a harness left, which only the registry knows, and stops it', { timeout: 60_000 }, async () => {
    const { code, output } = await runSteps(['leaves-redis']);
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`Still running after the run[^\\n]*\\n\\s+\\d+ redis-server 127\\.0\\.0\\.1:${REDIS_PORT}`));
    expect(await canConnect(REDIS_PORT)).toBe(false);
  });

  it('on Ctrl-C, stops the step and whatever it started, and exits 130', { timeout: 60_000 }, async () => {
    let sent = false;
    const { code, output } = await runSteps(['waits', 'ok'], (text, interrupt) => {
      if (!sent && text.includes('started')) {
        sent = true;
        interrupt();
      }
    });
    expect(code).toBe(130);
    expect(output).not.toMatch(/> steps@1\.0\.0 ok/);
    expect(await running('sleep 62')).toBe(false);
  });
});
