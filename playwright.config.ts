import { chromium, defineConfig, firefox, webkit } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from './e2e/chromium';
import type { EngineName } from './e2e/engines/fixtures';
import { SERVERS, TEST_SECRET, urlOf } from './e2e/servers';
import { inspectMachine, machineProbe } from './lib/testing/preflight';

const machine = inspectMachine(machineProbe({ chromium: chromium.executablePath(), firefox: firefox.executablePath(), webkit: webkit.executablePath() }));

// Gecko and WebKit: Playwright's own builds where they are downloaded, else Debian's, driven by
// puppeteer-core and selenium-webdriver (e2e/engines/drivers). Same specs, same page objects.
const ENGINES = 'e2e/engines';
const gecko =
  machine.gecko?.kind === 'playwright'
    ? { name: 'firefox', testDir: ENGINES, workers: 2, use: { browserName: 'firefox' as const, launchOptions: {} } }
    : { name: 'firefox-esr', testDir: ENGINES, workers: 2, use: { engineName: 'firefox-esr' as EngineName } };
const webKit =
  machine.webkit?.kind === 'playwright'
    ? { name: 'webkit', testDir: ENGINES, workers: 2, use: { browserName: 'webkit' as const, launchOptions: {} } }
    : { name: 'webkitgtk', testDir: ENGINES, workers: 2, use: { engineName: 'webkitgtk' as EngineName } };

const CI = Boolean(process.env.CI);

export default defineConfig<{ engineName: EngineName }>({
  testDir: 'e2e',
  globalTeardown: './e2e/global-teardown.ts',
  fullyParallel: true,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  // Chromium's suite takes both cores; the engine suites (npm run test:engines, after it) mostly wait
  // in real time, so each engine gets two workers and both engines run at once.
  workers: 4,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  // `load` holds 50 connections for 30 s per store: it runs alone, after the rest (npm run test:load).
  projects: [
    { name: 'e2e', testIgnore: [/load\.spec\.ts$/, /\/e2e\/engines\//], workers: 2 },
    { name: 'load', testMatch: /load\.spec\.ts$/ },
    gecko,
    webKit,
    // The engine suites through Playwright in Chromium: checks the Playwright driver where no other Playwright browser is downloaded.
    { name: 'chromium-engines', testDir: ENGINES },
  ],
  use: {
    // `localhost`, not 127.0.0.1: Chromium keeps Secure cookies on http://localhost only.
    baseURL: urlOf('main'),
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs() },
    trace: 'on-first-retry',
  },
  // Every server runs the production build (`npm run build` first; `npm test` does).
  webServer: Object.values(SERVERS).map((server) => ({
    command: `next start --port ${server.port}`,
    url: `http://localhost:${server.port}/login`,
    env: { SESSION_SECRET: TEST_SECRET, NEXT_TELEMETRY_DISABLED: '1', ...server.env },
    reuseExistingServer: false,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    timeout: 60_000,
  })),
});
