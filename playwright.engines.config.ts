import { chromium, defineConfig, firefox, webkit } from '@playwright/test';
import chromiumSuite, { webServerOf } from './playwright.config';
import type { EngineName } from './e2e/engines/fixtures';
import { SERVERS } from './test-support/servers';
import { inspectMachine, machineProbe } from './test-support/preflight';

const machine = inspectMachine(machineProbe({ chromium: chromium.executablePath(), firefox: firefox.executablePath(), webkit: webkit.executablePath() }));

// Gecko and WebKit (npm run test:engines): Playwright's own builds where they are downloaded, else
// Debian's, driven by puppeteer-core and selenium-webdriver (e2e/engines/drivers). Same specs, same
// page objects. Their own run, after Chromium's suite: real-time waits beside it would starve its
// timing-sensitive tests on two cores. They mostly wait, so each engine gets two workers, both at once.
const gecko =
  machine.gecko?.kind === 'playwright'
    ? { name: 'firefox', workers: 2, use: { browserName: 'firefox' as const, launchOptions: {} } }
    : { name: 'firefox-esr', workers: 2, use: { engineName: 'firefox-esr' as EngineName } };
const webKit =
  machine.webkit?.kind === 'playwright'
    ? { name: 'webkit', workers: 2, use: { browserName: 'webkit' as const, launchOptions: {} } }
    : { name: 'webkitgtk', workers: 2, use: { engineName: 'webkitgtk' as EngineName } };

export default defineConfig<{ engineName: EngineName }>({
  ...chromiumSuite,
  testDir: 'e2e/engines',
  workers: 4,
  projects: [
    gecko,
    webKit,
    // The same specs through Playwright in Chromium (not in npm test): checks the Playwright driver where no other Playwright browser is downloaded.
    { name: 'chromium-engines' },
  ],
  webServer: [webServerOf(SERVERS.engines)],
});
