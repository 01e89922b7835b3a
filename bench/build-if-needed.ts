import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './results';

const SOURCES = ['app', 'components', 'lib', 'proxy.ts', 'next.config.js', 'package-lock.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** Builds the production app unless `.next` is newer than every source; starts each run with no old figures. */
export default function buildIfNeeded() {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  const built = existsSync('.next/BUILD_ID') ? statSync('.next/BUILD_ID').mtimeMs : 0;
  if (built > Math.max(...SOURCES.map(newestMtime))) return;
  console.log('Building the production app for the benchmark…');
  execFileSync('next', ['build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}
