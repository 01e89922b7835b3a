import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

/**
 * The Chromium to drive: CHROMIUM_PATH if set, else Playwright's own download, else the system's
 * (Debian's `/usr/lib/chromium/chromium`; `/usr/bin/chromium` is its wrapper script).
 */
export function chromiumExecutable(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    return fail(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist.`);
  }
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return bundled;
  const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  return system ?? fail('No Chromium found: install one (sudo apt-get install chromium, or npx playwright install chromium) or set CHROMIUM_PATH.');
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Quiet, reproducible flags; `--no-sandbox` only where the sandbox cannot work (running as root, e.g. in CI containers). */
export function chromiumArgs(): string[] {
  const args = [
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}
