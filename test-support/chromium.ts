import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { SYSTEM_CHROMIUM, SYSTEM_HEADLESS_SHELL } from './preflight';


/**
 * Whether this run shows its browsers (`--headed`, `--debug`, `--ui`, or PWDEBUG). Only the runner sees those
 * flags; it notes them in the environment, which the workers that load this config again inherit.
 */
export function headedRun(): boolean {
  if (process.argv.some((arg) => arg === '--headed' || arg.startsWith('--debug') || arg.startsWith('--ui'))) process.env.CHROMIUM_HEADED = '1';
  return process.env.CHROMIUM_HEADED === '1' || Boolean(process.env.PWDEBUG);
}

/**
 * The Chromium to drive: CHROMIUM_PATH if set; else Playwright's own download (`undefined`: Playwright picks
 * its headless shell or its browser); else the system's. Headless, that is Debian's headless shell where it is
 * installed, as Playwright itself runs headless: the same engine without the browser's UI, which takes the
 * e2e suite half the CPU. A headed run, or a machine without the shell, gets the full browser.
 */
export function chromiumExecutable(headed = headedRun()): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    return fail(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist.`);
  }
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return undefined;
  const system = [...(headed ? [] : [SYSTEM_HEADLESS_SHELL]), ...SYSTEM_CHROMIUM].find((path) => existsSync(path));
  return system ?? fail('No Chromium found: install one (sudo apt-get install chromium chromium-headless-shell, or npx playwright install chromium) or set CHROMIUM_PATH.');
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
