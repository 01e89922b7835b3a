import { test as base, expect } from '@playwright/test';
import { inspectMachine, machineProbe } from '../../test-support/preflight';
import { urlOf } from '../../test-support/servers';
import { launchFirefoxEsr } from './drivers/firefox-esr';
import { playwrightEngine } from './drivers/playwright';
import { launchWebKitGtk } from './drivers/webkitgtk';
import type { Engine, EngineSession, SessionOptions } from './engine';
import { startTlsFront } from './tls-front';

/** Which engine a project runs: Debian's two through their own drivers, or one of Playwright's. */
export type EngineName = 'firefox-esr' | 'webkitgtk' | 'playwright';

export const test = base.extend<{ open: (options?: SessionOptions) => Promise<EngineSession> }, { engineName: EngineName; engine: Engine }>({
  engineName: ['playwright', { scope: 'worker', option: true }],

  // One browser per worker (Firefox takes seconds to start); every test gets fresh profiles from it.
  engine: [
    async ({ engineName, playwright, browserName, launchOptions }, provide) => {
      const app = urlOf('engines');
      const machine = inspectMachine(
        machineProbe({ chromium: playwright.chromium.executablePath(), firefox: playwright.firefox.executablePath(), webkit: playwright.webkit.executablePath() }),
      );
      let engine: Engine;
      if (engineName === 'firefox-esr') {
        if (machine.gecko?.kind !== 'firefox-esr') throw new Error(`Firefox ESR is missing: ${machine.missing.join('; ')}`);
        engine = await launchFirefoxEsr(machine.gecko.executable, app);
      } else if (engineName === 'webkitgtk') {
        if (machine.webkit?.kind !== 'webkitgtk' || !machine.openssl) throw new Error(`WebKitGTK is missing: ${machine.missing.join('; ')}`);
        engine = await launchWebKitGtk({ ...machine.webkit, openssl: machine.openssl }, app);
      } else {
        const browser = await playwright[browserName].launch(launchOptions);
        if (browserName !== 'webkit') engine = playwrightEngine(browser, app, false);
        else {
          if (!machine.openssl) throw new Error(`openssl is missing: ${machine.missing.join('; ')}`);
          const front = await startTlsFront(machine.openssl, new URL(app));
          const inner = playwrightEngine(browser, front.url, true);
          engine = {
            ...inner,
            async close() {
              await inner.close();
              await front.close();
            },
          };
        }
      }
      await provide(engine);
      await engine.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  open: async ({ engine }, provide) => {
    const opened: EngineSession[] = [];
    await provide(async (options) => {
      const session = await engine.open(options);
      opened.push(session);
      return session;
    });
    await Promise.all(opened.map((session) => session.close()));
  },
});

export { expect };
