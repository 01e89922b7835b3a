import { defineConfig } from '@playwright/test';
import { ensureRunMark } from '../test-support/run-mark';

ensureRunMark();

/** `npm run bench:profile`: where the server's time goes, from a CPU profile of `next start` under load. */
export default defineConfig({
  testDir: '.',
  testMatch: /\.profile\.ts$/,
  workers: 1,
  retries: 0,
  timeout: 600_000,
  reporter: [['list']],
});
