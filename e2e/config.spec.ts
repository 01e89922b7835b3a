import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { SERVERS, TEST_SECRET } from '../test-support/servers';

/** Starts the production server with `env` and returns how it ended, or null if it kept running for 20 s. */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string } | null> {
  const server = spawn('next', ['start', '--port', String(SERVERS.main.port + 11)], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', SESSION_SECRET: TEST_SECRET, ...env },
  });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.kill();
      resolve(null);
    }, 20_000);
    server.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('the server refuses to start with a warning shorter than 20 seconds, naming the variable', async () => {
  const ended = await start({ SESSION_WARNING_BEFORE: '10s' });
  expect(ended?.code).toBe(1);
  expect(ended?.output).toContain('SESSION_WARNING_BEFORE must be at least 20 seconds');
});
