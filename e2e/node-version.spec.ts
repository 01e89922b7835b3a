import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { satisfies } from '../scripts/node-version';
import { appPort } from '../test-support/app-server';
import { canConnect } from '../test-support/ports';
import { TEST_SECRET } from '../test-support/servers';

// `next` run by an older Node, outside npm scripts (which put the node devDependency first on the
// PATH): every command must stop at once and say how to run it, instead of serving 500s.
const REQUIRED = '>=22.13';
const CANDIDATES = ['/usr/bin/node', '/usr/local/bin/node'];

function oldNode(): { path: string; version: string } | undefined {
  for (const path of CANDIDATES) {
    if (!existsSync(path)) continue;
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    if (!satisfies(version, REQUIRED)) return { path, version };
  }
  return undefined;
}

const OLD = oldNode();
// `start` is given the suite's production build, as a person would run it; a build or dev server that
// should never begin writes into a folder of its own, never over .next.
const scratch = (command: string) => `.data/old-node-${command}`;
const PORT = appPort(46);

// A dev server or build that does begin rewrites these for its folder: put them back whatever happens.
const TOUCHED = ['tsconfig.json', 'next-env.d.ts'];
function keepAsTheyAre(): () => void {
  const saved = TOUCHED.map((path) => [path, readFileSync(path, 'utf8')] as const);
  return () => {
    for (const [path, text] of saved) if (readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
  };
}

/** Runs `next <args>` with the old Node; gives up (and stops it by its process group) after `withinMs`. */
function runNext(node: string, args: string[], env: Record<string, string>, withinMs: number): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['node_modules/next/dist/bin/next', ...args], {
      env: { ...process.env, SESSION_SECRET: TEST_SECRET, NEXT_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, withinMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
  });
}

test.describe('started with a Node older than the app needs', () => {
  test.skip(!OLD, `no Node older than ${REQUIRED} on this machine (looked at ${CANDIDATES.join(', ')}): nothing to start it with`);
  for (const command of [['start', '--port', String(PORT)], ['build'], ['dev', '--port', String(PORT)]]) {
    test(`next ${command[0]} stops at once, saying in one line which Node to use and how, and nothing listens`, async () => {
      test.setTimeout(60_000);
      if (!OLD) return;
      const dir = scratch(command[0] ?? '');
      const env = { SESSION_DB_PATH: `${dir}/sessions.db`, ...(command[0] === 'start' ? {} : { NEXT_DIST_DIR: dir }) };
      const restore = keepAsTheyAre();
      const result = await runNext(OLD.path, command, env, 20_000).finally(() => {
        restore();
        rmSync(dir, { recursive: true, force: true });
      });
      expect(result.timedOut, `next ${command[0]} was still running after 20 s; its stderr: ${result.stderr}`).toBe(false);
      expect(result.code).not.toBe(0);
      const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toEqual([
        `This app needs Node.js ${REQUIRED}, but ${OLD.path} is ${OLD.version.replace(/^v/, '')}. Run it through npm (npm run dev, npm run build, npm start), which uses the Node of its node devDependency, or with node_modules/.bin/node.`,
      ]);
      expect(await canConnect(PORT)).toBe(false);
    });
  }
});
