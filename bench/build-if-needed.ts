import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR } from './peer-apps';
import { RESULTS_DIR } from './results';

const SOURCES = ['app', 'components', 'lib', 'proxy.ts', 'next.config.js', 'package-lock.json'];
const PEER_APPS = ['authjs', 'better-auth', 'iron-session'];
const NOT_SOURCES = new Set(['.next', 'node_modules', 'next-env.d.ts']);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((entry) => !NOT_SOURCES.has(entry)).map((entry) => newestMtime(join(path, entry))));
}

const builtAt = (distDir: string) => (existsSync(join(distDir, 'BUILD_ID')) ? statSync(join(distDir, 'BUILD_ID')).mtimeMs : 0);

/** Whether the app's build in `distDir` is newer than every source it is built from. */
export const isBuildFresh = (distDir: string) => builtAt(distDir) > Math.max(...SOURCES.map(newestMtime));

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

/**
 * The peers' own dependencies (bench/peers/package.json, never the product's), then each peer's production build.
 * npm rewrites node_modules/.package-lock.json on every install, so one older than bench/peers/package-lock.json
 * (or none) means a pin moved, or was added, since the last install.
 */
function preparePeers() {
  const installed = newestMtime(join(PEERS_DIR, 'node_modules/.package-lock.json'));
  if (installed === 0 || installed < newestMtime(join(PEERS_DIR, 'package-lock.json'))) {
    console.log('Installing the peers’ dependencies in bench/peers…');
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: PEERS_DIR, stdio: 'inherit', env });
  }
  for (const app of PEER_APPS) {
    const dir = join(PEERS_DIR, app);
    if (builtAt(join(dir, '.next')) > Math.max(newestMtime(dir), newestMtime(join(PEERS_DIR, 'package-lock.json')))) continue;
    console.log(`Building the ${app} peer for the benchmark…`);
    execFileSync(join(PEERS_DIR, 'node_modules/.bin/next'), ['build'], { cwd: dir, stdio: 'inherit', env });
  }
}

/** Builds the production app unless `.next` is newer than every source. */
export function buildApp() {
  if (isBuildFresh('.next')) return;
  console.log('Building the production app for the benchmark…');
  execFileSync('next', ['build'], { stdio: 'inherit', env });
}

/** Builds the production app and the peers unless each `.next` is newer than its sources; starts each run with no old figures. */
export default function buildIfNeeded() {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  buildApp();
  preparePeers();
}
