import { describe, expect, it } from 'vitest';
import { chooseChromium, inspectMachine, postgresBinDir, which, type Probe } from './preflight';

const PLAYWRIGHT = {
  chromium: '/home/dev/.cache/ms-playwright/chromium-1200/chrome-linux/chrome',
  firefox: '/home/dev/.cache/ms-playwright/firefox-1500/firefox/firefox',
  webkit: '/home/dev/.cache/ms-playwright/webkit-2200/pw_run.sh',
};
const MINI_BROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A machine with these files, every one of them executable, and this PATH. */
function fakeMachine(files: string[], { PATH = '/usr/local/bin:/usr/bin:/bin', CHROMIUM_PATH, POSTGRES_BIN_DIR }: { PATH?: string; CHROMIUM_PATH?: string; POSTGRES_BIN_DIR?: string } = {}): Probe {
  const present = new Set(files);
  return {
    env: { PATH, CHROMIUM_PATH, POSTGRES_BIN_DIR },
    playwright: PLAYWRIGHT,
    exists: (path) => present.has(path),
    isExecutable: (path) => present.has(path),
    readdir: (path) => [...new Set(files.filter((file) => file.startsWith(`${path}/`)).map((file) => file.slice(path.length + 1).split('/')[0] ?? ''))],
  };
}

const POSTGRES_15 = ['/usr/lib/postgresql/15/bin/initdb', '/usr/lib/postgresql/15/bin/postgres'];
const DEBIAN = [
  '/usr/lib/chromium/chromium',
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/redis-server',
  ...POSTGRES_15,
  '/usr/bin/firefox-esr',
  '/usr/bin/WebKitWebDriver',
  MINI_BROWSER,
  '/usr/bin/Xvfb',
  '/usr/bin/openssl',
];
const without = (...gone: string[]) => DEBIAN.filter((file) => !gone.includes(file));

describe('inspectMachine', () => {
  it("finds Debian's engines and misses nothing on a machine set up by .ci/run", () => {
    expect(inspectMachine(fakeMachine(DEBIAN))).toEqual({
      chromium: '/usr/lib/chromium/chromium-headless-shell',
      gecko: { kind: 'firefox-esr', executable: '/usr/bin/firefox-esr' },
      webkit: { kind: 'webkitgtk', driver: '/usr/bin/WebKitWebDriver', miniBrowser: MINI_BROWSER, xvfb: '/usr/bin/Xvfb' },
      openssl: '/usr/bin/openssl',
      missing: [],
      advice: [],
    });
  });

  it("runs without Debian's headless shell in the full browser, and says once how to make it faster", () => {
    const machine = inspectMachine(fakeMachine(without('/usr/lib/chromium/chromium-headless-shell')));
    expect(machine).toMatchObject({ chromium: '/usr/lib/chromium/chromium', missing: [] });
    expect(machine.advice).toEqual([expect.stringContaining('(sudo apt-get install -y chromium-headless-shell)')]);
  });

  it.each([
    ['/usr/bin/redis-server', 'redis-server', 'sudo apt-get install -y redis-server'],
    ['/usr/lib/postgresql/15/bin/postgres', 'PostgreSQL', 'sudo apt-get install -y postgresql'],
    ['/usr/bin/firefox-esr', 'Firefox ESR', 'sudo apt-get install -y firefox-esr'],
    ['/usr/bin/WebKitWebDriver', 'WebKitWebDriver', 'sudo apt-get install -y webkit2gtk-driver'],
    [MINI_BROWSER, 'MiniBrowser', 'sudo apt-get install -y webkit2gtk-driver'],
    ['/usr/bin/Xvfb', 'Xvfb', 'sudo apt-get install -y xvfb'],
    ['/usr/bin/openssl', 'openssl', 'sudo apt-get install -y openssl'],
  ])('without %s, says so in one line naming %s and the command %s', (gone, name, command) => {
    const { missing } = inspectMachine(fakeMachine(without(gone)));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toContain(name);
    expect(missing[0]).toContain(`(${command})`);
  });

  it("gives a headed run Debian's full browser even where the headless shell is installed, without advice", () => {
    expect(chooseChromium(fakeMachine(DEBIAN), true)).toEqual({ path: '/usr/lib/chromium/chromium' });
    expect(chooseChromium(fakeMachine(DEBIAN), false)).toEqual({ path: '/usr/lib/chromium/chromium-headless-shell' });
  });

  it('without any Chromium, says so in one line naming both of its packages', () => {
    const { missing, chromium } = inspectMachine(fakeMachine(without('/usr/lib/chromium/chromium', '/usr/lib/chromium/chromium-headless-shell')));
    expect(chromium).toBeUndefined();
    expect(missing).toEqual(['Chromium: not found (sudo apt-get install -y chromium chromium-headless-shell)']);
  });

  it('names every missing piece at once, one line each', () => {
    const { missing, gecko, webkit, openssl } = inspectMachine(fakeMachine(['/usr/bin/chromium']));
    expect(missing.map((line) => line.match(/\(sudo apt-get install -y ([\w.-]+)\)$/)?.[1])).toEqual([
      'redis-server',
      'postgresql',
      'firefox-esr',
      'webkit2gtk-driver',
      'xvfb',
      'openssl',
    ]);
    expect(gecko).toBeUndefined();
    expect(webkit).toBeUndefined();
    expect(openssl).toBeUndefined();
  });

  it('looks on the PATH it is given, not at fixed places', () => {
    const elsewhere = DEBIAN.map((file) => file.replace('/usr/bin/', '/opt/tools/'));
    expect(inspectMachine(fakeMachine(elsewhere)).missing).toHaveLength(5);
    expect(inspectMachine(fakeMachine(elsewhere, { PATH: '/usr/bin:/opt/tools' })).missing).toEqual([]);
    expect(which(fakeMachine(elsewhere, { PATH: '/usr/bin:/opt/tools' }), 'Xvfb')).toBe('/opt/tools/Xvfb');
  });

  it("uses Playwright's own Firefox and WebKit where they are downloaded, and then needs no Debian engine or X server", () => {
    const machine = inspectMachine(fakeMachine(['/usr/bin/redis-server', ...POSTGRES_15, '/usr/bin/openssl', PLAYWRIGHT.chromium, PLAYWRIGHT.firefox, PLAYWRIGHT.webkit]));
    expect(machine).toEqual({
      chromium: PLAYWRIGHT.chromium,
      gecko: { kind: 'playwright' },
      webkit: { kind: 'playwright' },
      openssl: '/usr/bin/openssl',
      missing: [],
      advice: [],
    });
  });

  it("takes Debian's newest PostgreSQL whole, or POSTGRES_BIN_DIR, and never half of one", () => {
    const both = [...DEBIAN, '/usr/lib/postgresql/9/bin/initdb', '/usr/lib/postgresql/9/bin/postgres', '/usr/lib/postgresql/17/bin/initdb', '/usr/lib/postgresql/17/bin/postgres'];
    expect(postgresBinDir(fakeMachine(both))).toBe('/usr/lib/postgresql/17/bin');
    expect(postgresBinDir(fakeMachine([...DEBIAN, '/usr/lib/postgresql/17/bin/initdb']))).toBe('/usr/lib/postgresql/15/bin');
    expect(postgresBinDir(fakeMachine([...DEBIAN, '/opt/pg/initdb', '/opt/pg/postgres'], { POSTGRES_BIN_DIR: '/opt/pg' }))).toBe('/opt/pg');
    expect(inspectMachine(fakeMachine(DEBIAN, { POSTGRES_BIN_DIR: '/opt/pg' })).missing).toEqual([expect.stringMatching(/^PostgreSQL: no initdb and postgres in \/opt\/pg\b/)]);
  });

  it('refuses a CHROMIUM_PATH that does not exist rather than quietly using another Chromium', () => {
    const { missing, chromium } = inspectMachine(fakeMachine(DEBIAN, { CHROMIUM_PATH: '/opt/chrome/chrome' }));
    expect(chromium).toBeUndefined();
    expect(missing).toEqual(['Chromium: CHROMIUM_PATH is /opt/chrome/chrome, which does not exist (unset it, or: sudo apt-get install -y chromium)']);
  });

  it('finds MiniBrowser on another architecture', () => {
    const arm = DEBIAN.map((file) => (file === MINI_BROWSER ? '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser' : file));
    expect(inspectMachine(fakeMachine(arm)).webkit).toMatchObject({ miniBrowser: '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser' });
  });
});
