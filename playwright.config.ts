import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from './test-support/chromium';
import { ensureRunMark } from './test-support/run-mark';
import { SERVERS, TEST_SECRET, urlOf } from './test-support/servers';

const CI = Boolean(process.env.CI);
// Every process the run starts carries it, so that one left behind is found and stopped by its pid (run-mark.ts).
ensureRunMark();

export default defineConfig({
  testDir: 'e2e',
  globalTeardown: './e2e/global-teardown.ts',
  fullyParallel: true,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  // `load` holds 50 connections for 30 s per store: it runs alone, after the rest (npm run test:load).
  projects: [
    // Firefox and WebKit run the specs of e2e/engines from playwright.engines.config.ts.
    { name: 'e2e', testIgnore: [/load\.spec\.ts$/, /\/e2e\/engines\//] },
    { name: 'load', testMatch: /load\.spec\.ts$/ },
  ],
  use: {
    // `localhost`, not 127.0.0.1: Chromium keeps Secure cookies on http://localhost only.
    baseURL: urlOf('main'),
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs() },
    trace: 'on-first-retry',
  },
  webServer: [SERVERS.main, SERVERS.short, SERVERS.hour].map(webServerOf),
});

/** Every server runs the production build (`npm run build` first; `npm test` does). */
export function webServerOf(server: { port: number; env: Record<string, string> }) {
  return {
    command: `next start --port ${server.port}`,
    url: `http://localhost:${server.port}/login`,
    env: { SESSION_SECRET: TEST_SECRET, NEXT_TELEMETRY_DISABLED: '1', ...server.env },
    reuseExistingServer: false,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    timeout: 60_000,
  };
}
