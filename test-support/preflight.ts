/**
 * What `npm test` needs from the machine, decided before anything runs: a browser per engine, a
 * `redis-server`, PostgreSQL's server programs, `openssl` for WebKit's https, and for Debian's WebKit an X server. Pure: the checks are passed in,
 * so the decision is unit-tested with a fake PATH and fake files (preflight.test.ts), and
 * `scripts/preflight.mjs` runs it with the real ones.
 */

import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How this machine answers: its environment (PATH included), Playwright's own browsers' paths (downloaded or not), its files. */
export interface Probe {
  env: Record<string, string | undefined>;
  playwright: { chromium: string; firefox: string; webkit: string };
  exists(path: string): boolean;
  isExecutable(path: string): boolean;
  readdir(path: string): string[];
}

/** The real machine, given the paths where Playwright would keep its own browsers. */
export function machineProbe(playwright: Probe['playwright']): Probe {
  return {
    env: process.env,
    playwright,
    exists: existsSync,
    isExecutable(path) {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    readdir(path) {
      try {
        return readdirSync(path);
      } catch {
        return [];
      }
    },
  };
}

/** The full path of `command` on the probe's PATH, as the shell would find it. */
export function which(probe: Probe, command: string): string | undefined {
  const dirs = (probe.env.PATH ?? '').split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, command)).find((path) => probe.isExecutable(path));
}

/** Debian's multiarch folders (`/usr/lib/x86_64-linux-gnu`, ...), where libwebkit2gtk puts MiniBrowser. */
function libDirs(probe: Probe): string[] {
  return probe
    .readdir('/usr/lib')
    .filter((name) => /-linux-gnu[a-z]*$/.test(name))
    .map((name) => `/usr/lib/${name}`);
}

export type Gecko = { kind: 'playwright' } | { kind: 'firefox-esr'; executable: string };
export type WebKit = { kind: 'playwright' } | { kind: 'webkitgtk'; driver: string; miniBrowser: string; xvfb: string };

export interface Machine {
  chromium?: string;
  gecko?: Gecko;
  webkit?: WebKit;
  /** WebKit keeps Secure cookies from https only: its suite makes a throw-away certificate for localhost. */
  openssl?: string;
  /** One line per missing piece, each naming the command that installs it. Empty when all is there. */
  missing: string[];
  /** What would make the run faster, said without stopping it. */
  advice: string[];
}

const APT = 'sudo apt-get install -y';
/** Debian's Chromium (`/usr/bin/chromium` is its wrapper script), and its headless shell: the same engine without the browser's UI. */
const SYSTEM_CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];
const SYSTEM_HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';

/**
 * The Chromium to drive: CHROMIUM_PATH if set; else Playwright's own download; else the system's. Headless, that
 * is Debian's headless shell where it is installed, as Playwright's own headless runs use its shell: the e2e suite
 * spends a third of the CPU there that it spends in the full browser. A headed run gets the full browser.
 */
export function chooseChromium(probe: Probe, headed: boolean): { path?: string; missing?: string; advice?: string } {
  const fromEnv = probe.env.CHROMIUM_PATH;
  if (fromEnv) return probe.exists(fromEnv) ? { path: fromEnv } : { missing: `Chromium: CHROMIUM_PATH is ${fromEnv}, which does not exist (unset it, or: ${APT} chromium)` };
  if (probe.playwright.chromium && probe.exists(probe.playwright.chromium)) return { path: probe.playwright.chromium };
  if (!headed && probe.exists(SYSTEM_HEADLESS_SHELL)) return { path: SYSTEM_HEADLESS_SHELL };
  const found = SYSTEM_CHROMIUM.find((path) => probe.exists(path));
  if (!found) return { missing: `Chromium: not found (${APT} chromium chromium-headless-shell)` };
  if (headed) return { path: found };
  return { path: found, advice: `Chromium: running headless in the full browser, which takes about three times the CPU of its headless shell (${APT} chromium-headless-shell)` };
}

function gecko(probe: Probe): { engine?: Gecko; missing?: string } {
  if (probe.playwright.firefox && probe.exists(probe.playwright.firefox)) return { engine: { kind: 'playwright' } };
  const executable = which(probe, 'firefox-esr');
  return executable ? { engine: { kind: 'firefox-esr', executable } } : { missing: `Firefox ESR: firefox-esr is not on the PATH (${APT} firefox-esr)` };
}

function webkit(probe: Probe): { engine?: WebKit; missing: string[] } {
  if (probe.playwright.webkit && probe.exists(probe.playwright.webkit)) return { engine: { kind: 'playwright' }, missing: [] };
  const driver = which(probe, 'WebKitWebDriver');
  const miniBrowser = libDirs(probe).map((dir) => `${dir}/webkit2gtk-4.1/MiniBrowser`).find((path) => probe.exists(path));
  const xvfb = which(probe, 'Xvfb');
  const missing = [
    // webkit2gtk-driver brings WebKitWebDriver and, through libwebkit2gtk-4.1-0, MiniBrowser.
    ...(driver ? [] : [`WebKitGTK: WebKitWebDriver is not on the PATH (${APT} webkit2gtk-driver)`]),
    ...(miniBrowser || !driver ? [] : [`WebKitGTK: MiniBrowser not found in /usr/lib/*/webkit2gtk-4.1/ (${APT} webkit2gtk-driver)`]),
    // MiniBrowser has no headless mode: it draws into an Xvfb the suite starts.
    ...(xvfb ? [] : [`Xvfb: not on the PATH, MiniBrowser needs an X server (${APT} xvfb)`]),
  ];
  if (driver && miniBrowser && xvfb) return { engine: { kind: 'webkitgtk', driver, miniBrowser, xvfb }, missing };
  return { missing };
}

/**
 * The folder of PostgreSQL's server programs (`initdb`, `postgres`): POSTGRES_BIN_DIR if set, else Debian's newest
 * `/usr/lib/postgresql/<major>/bin`. They are not on the PATH: Debian keeps one folder per major version.
 */
export function postgresBinDir(probe: Probe): string | undefined {
  const has = (dir: string) => probe.isExecutable(join(dir, 'initdb')) && probe.isExecutable(join(dir, 'postgres'));
  const fromEnv = probe.env.POSTGRES_BIN_DIR;
  if (fromEnv) return has(fromEnv) ? fromEnv : undefined;
  const majors = probe
    .readdir('/usr/lib/postgresql')
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((major) => `/usr/lib/postgresql/${major}/bin`).find(has);
}

export function inspectMachine(probe: Probe): Machine {
  const found = { chromium: chooseChromium(probe, false), gecko: gecko(probe), webkit: webkit(probe), openssl: which(probe, 'openssl') };
  const missing = [
    ...(found.chromium.missing ? [found.chromium.missing] : []),
    ...(which(probe, 'redis-server') ? [] : [`redis-server: not on the PATH, the Redis store's tests start their own (${APT} redis-server)`]),
    ...(postgresBinDir(probe)
      ? []
      : [`PostgreSQL: no initdb and postgres in ${probe.env.POSTGRES_BIN_DIR || '/usr/lib/postgresql/*/bin'}, the Postgres store's tests start their own (${APT} postgresql)`]),
    ...(found.gecko.missing ? [found.gecko.missing] : []),
    ...found.webkit.missing,
    ...(found.openssl ? [] : [`openssl: not on the PATH, needed for the WebKit suite's localhost certificate (${APT} openssl)`]),
  ];
  const advice = found.chromium.advice ? [found.chromium.advice] : [];
  return { chromium: found.chromium.path, gecko: found.gecko.engine, webkit: found.webkit.engine, openssl: found.openssl, missing, advice };
}
