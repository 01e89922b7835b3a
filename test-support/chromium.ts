import { chromium } from '@playwright/test';
import { chooseChromium, machineProbe } from './preflight';

/**
 * Whether this run shows its browsers: `--headed`, `--debug` or `--ui` on the runner's command line, PWDEBUG, or
 * CHROMIUM_HEADED=1 (for a `use: { headless: false }`, which no flag tells). Only the runner sees its flags: it
 * leaves them in the environment, which the workers that load the config again inherit.
 */
function detectHeadedRun(): boolean {
  if (process.argv.some((arg) => arg === '--headed' || arg.startsWith('--debug') || arg.startsWith('--ui'))) process.env.CHROMIUM_HEADED = '1';
  return process.env.CHROMIUM_HEADED === '1' || (process.env.PWDEBUG ?? '0') !== '0';
}

/** The Chromium to drive, as `chooseChromium` (test-support/preflight.ts) decides for this run. */
export function chromiumExecutable(): string {
  const choice = chooseChromium(machineProbe({ chromium: chromium.executablePath(), firefox: '', webkit: '' }), detectHeadedRun());
  if (choice.path) return choice.path;
  console.error(choice.missing);
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

/** The full browser, even in a headless run: its headless shell keeps no page in the back/forward cache. */
export function fullChromiumExecutable(): string {
  const choice = chooseChromium(machineProbe({ chromium: chromium.executablePath(), firefox: '', webkit: '' }), true);
  if (choice.path) return choice.path;
  console.error(choice.missing);
  process.exit(1);
}
