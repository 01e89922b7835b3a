import { build } from 'esbuild';
import { expect, test } from '@playwright/test';
import { startApp } from '../test-support/app-server';
import { sessionCookie } from '../e2e/fixtures';
import { buildWithSourceMaps, chunksGzip, codeBySource, firstLoadChunks, gzipBytes } from './built-chunks';
import { BENCH_PORT } from './ports';
import { record } from './results';

/**
 * The target covers the hook, controller, cross-tab, modal and push: the provider and hooks, the controller,
 * the channel, the dialog, the stream that hears a session's end, and what they need (activity listeners,
 * announcements). The
 * server reporting (lib/client/session-endpoints.ts) is what react-idle-timer does not do at all; it is counted
 * in the total beside it.
 */
const REPORTING_FILES = ['lib/client/session-endpoints.ts', 'lib/shared/session-status.ts'];
const TIMEOUT_FILES = [
  'components/session-timeout/provider.tsx',
  'components/session-timeout/timeout-dialog.tsx',
  'components/session-timeout/use-session-timeout.ts',
  'components/session-timeout/use-hidden-tab-title.ts',
  'lib/client/timeout-controller.ts',
  'lib/client/tab-channel.ts',
  'lib/client/activity.ts',
  'lib/client/announcement.ts',
  'lib/client/session-push.ts',
];

/** Imported by the timeout but not counted as its own: formatCountdown sits beside the page's duration helpers. */
const SHARED_FILES = ['lib/shared/duration.ts'];

const SOURCE_MAPS_DIST = '.next-source-maps';
const TARGET_BYTES = 4096;
/** At most this share of react-idle-timer's `useIdleTimer`, in the same measure (esbuild, min+gzip). */
const TARGET_RATIO = 0.65;
/** Apart from every other bench server's offset (0..32). */
const PORT = BENCH_PORT + 40;

/** The `<script src>` of the dashboard as `next start` serves it to a signed-in user, less the noModule polyfills. */
async function renderedScripts(): Promise<string[]> {
  const app = await startApp(PORT, { SESSION_DB_PATH: '.data/bench/js-size.db' });
  try {
    const cookie = await sessionCookie(app.url);
    const html = await (await fetch(`${app.url}/dashboard`, { headers: { cookie }, redirect: 'manual' })).text();
    return [...html.matchAll(/<script\b[^>]*>/g)]
      .map(([tag]) => tag)
      .filter((tag) => !/\bnoModule\b/i.test(tag))
      .flatMap((tag) => /\bsrc="\/_next\/([^"]+)"/.exec(tag)?.[1] ?? []);
  } finally {
    await app.stop();
  }
}

/** Minified ESM, React external, gzip level 9: the same measure for ours and for react-idle-timer. */
async function esbuildSize(entry: string, leaveOut: string[] = []) {
  const result = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: 'entry.tsx', loader: 'tsx' },
    tsconfig: 'tsconfig.json',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    external: ['react', 'react-dom', ...leaveOut],
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  // esbuild quietly ignores an external that nothing imports: a left-out file that moved would be counted.
  const externals = new Set(Object.values(result.metafile.inputs).flatMap(({ imports }) => imports.filter((imported) => imported.external).map((imported) => imported.path)));
  const unused = leaveOut.filter((path) => !externals.has(path));
  if (unused.length > 0) throw new Error(`js-size: nothing in the bundle imports ${unused.join(', ')}, left out by name`);
  const code = result.outputFiles[0]?.text ?? '';
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  return { gzip: gzipBytes(code), minified: code.length, inputs: Object.entries(inputs).map(([path, { bytesInOutput }]) => ({ path, bytesInOutput })) };
}

const table = (rows: Array<[string, ...Array<string | number>]>) => rows.map(([name, ...cells]) => `  ${name.padEnd(44)} ${cells.map((cell) => String(cell).padStart(8)).join(' ')}`).join('\n');

/** The dashboard's folder under app/, route group included: the build's manifests are kept by folder. */
const DASHBOARD_FOLDER = '/(signed-in)/dashboard';

test('js-size: what the timeout adds to the dashboard first load, beside react-idle-timer', async () => {
  // A second production build, with browser source maps, is part of it: minutes on a busy machine.
  test.setTimeout(900_000);
  const firstLoad = firstLoadChunks('.next', DASHBOARD_FOLDER);
  const firstLoadGzip = chunksGzip('.next', firstLoad);
  // The manifests' list must be what the page really loads.
  expect([...(await renderedScripts())].sort()).toEqual([...firstLoad].sort());

  buildWithSourceMaps(SOURCE_MAPS_DIST);
  const sourceMapsFirstLoad = firstLoadChunks(SOURCE_MAPS_DIST, DASHBOARD_FOLDER);
  // The attribution reads a second build: it must ship the same code as the .next measured above.
  const sourceMapsGzip = chunksGzip(SOURCE_MAPS_DIST, sourceMapsFirstLoad);
  const bySource = codeBySource(SOURCE_MAPS_DIST, sourceMapsFirstLoad);
  const pieces = (files: string[]) => files.map((file) => bySource.get(file) ?? '');
  const timeoutCode = pieces(TIMEOUT_FILES).join('');
  const builtGzip = gzipBytes(timeoutCode);
  // Alone: the file's code gzipped by itself. Marginal: what the feature's gzip loses without it (gzip shares
  // repeated strings between files, so the marginal figures add up to less than the whole).
  const totalGzip = gzipBytes(pieces([...TIMEOUT_FILES, ...REPORTING_FILES]).join(''));
  const perFile = [...TIMEOUT_FILES, ...REPORTING_FILES, ...SHARED_FILES].map((file) => {
    const code = bySource.get(file) ?? '';
    const others = pieces(TIMEOUT_FILES.filter((other) => other !== file)).join('');
    const marginal = TIMEOUT_FILES.includes(file) ? builtGzip - gzipBytes(others) : gzipBytes(timeoutCode + code) - builtGzip;
    return [file, code.length, gzipBytes(code), marginal] as [string, number, number, number];
  });

  const ours = await esbuildSize(`export { SessionTimeoutProvider } from '@/components/session-timeout/provider';`, ['@/lib/client/session-endpoints']);
  const theirs = await esbuildSize(
    `import { useIdleTimer } from 'react-idle-timer';\nexport const useIdle = () => useIdleTimer({ timeout: 30 * 60_000, promptBeforeIdle: 5 * 60_000 });`,
  );
  const ratio = ours.gzip / theirs.gzip;

  console.log(`js-size: dashboard first load = ${firstLoad.length} chunks, ${firstLoadGzip} B gzip (the source-map build: ${sourceMapsGzip} B)`);
  console.log(`js-size: timeout code in the built chunks (minified bytes, gzip alone, gzip marginal):\n${table(perFile)}`);
  console.log(`js-size: esbuild bundle of ours (minified bytes in output):\n${table(ours.inputs.map(({ path, bytesInOutput }) => [path, bytesInOutput]))}`);
  console.log(`js-size: ours ${ours.minified} B minified, ${ours.gzip} B gzip; react-idle-timer ${theirs.minified} B minified, ${theirs.gzip} B gzip`);

  record('js-size', [
    { id: 'dashboard-first-load', label: 'dashboard first-load JS, gzip', value: firstLoadGzip, unit: 'B', note: `${firstLoad.length} chunks from .next's manifests, noModule polyfills excluded` },
    {
      id: 'timeout-built',
      label: 'hook, controller, cross-tab, modal and push, from the built chunks, gzip',
      value: builtGzip,
      unit: 'B',
      target: { op: '<=', value: TARGET_BYTES },
      note: `Turbopack source maps; per file (minified/gzip alone/gzip marginal): ${perFile.map(([file, ...bytes]) => `${file} ${bytes.join('/')}`).join(', ')}`,
    },
    { id: 'timeout-total', label: 'the same with server reporting (session-client), built, gzip', value: totalGzip, unit: 'B' },
    { id: 'timeout-esbuild', label: 'hook, controller, cross-tab, modal and push, esbuild min+gzip', value: ours.gzip, unit: 'B', target: { op: '<=', value: TARGET_BYTES } },
    { id: 'react-idle-timer-esbuild', label: 'react-idle-timer useIdleTimer, esbuild min+gzip', value: theirs.gzip, unit: 'B' },
    { id: 'ratio', label: 'ours / react-idle-timer', value: ratio, unit: 'x', target: { op: '<=', value: TARGET_RATIO } },
  ]);

  // The source maps must really point into our files, or the attribution means nothing.
  for (const [file, minified] of perFile) expect(minified, `${file} found in the dashboard's built chunks`).toBeGreaterThan(0);
  expect(Math.abs(sourceMapsGzip - firstLoadGzip) / firstLoadGzip, 'the source-map build ships the same code as .next').toBeLessThan(0.01);
  const allCode = pieces([...TIMEOUT_FILES, ...REPORTING_FILES]).join('');
  for (const text of ['showModal', '/api/session/keep-alive', 'BroadcastChannel', 'pointerdown']) expect(allCode).toContain(text);

  expect.soft(builtGzip, 'timeout feature from the built chunks, gzip bytes').toBeLessThanOrEqual(TARGET_BYTES);
  expect.soft(ours.gzip, 'timeout feature, esbuild gzip bytes').toBeLessThanOrEqual(TARGET_BYTES);
  expect.soft(ratio, 'ours / react-idle-timer').toBeLessThanOrEqual(TARGET_RATIO);
});
