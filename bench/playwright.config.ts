import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../test-support/chromium';
import { ensureRunMark } from '../test-support/run-mark';

ensureRunMark();

/**
 * `npm run bench`: every figure of the Performance table in one run, one bench at a time so they do
 * not share the two cores. Servers are started by the benches themselves and stopped by pid.
 */
export default defineConfig({
  testDir: '.',
  // The server's throughput is the most sensitive figure: it runs first (projects run in this order with one
  // worker), before any other bench has left its servers and browsers winding down.
  projects: [
    { name: 'server', testMatch: /server\.bench\.ts$/ },
    { name: 'rest', testMatch: /\.bench\.ts$/, testIgnore: /server\.bench\.ts$/ },
  ],
  globalSetup: './build-if-needed.ts',
  globalTeardown: './report.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs() },
  },
});
