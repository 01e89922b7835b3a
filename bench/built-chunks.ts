import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';
import { isBuildFresh } from './build-if-needed';

export const gzipBytes = (code: string) => gzipSync(code, { level: 9 }).length;

interface ClientReferenceManifest {
  entryJSFiles: Record<string, string[]>;
}

/**
 * The JavaScript a first visit to an app route loads, from the build's manifests (Next 16 no longer
 * prints First Load JS): the root main files (Turbopack's runtime, React, the router) and the client
 * chunks of the route's layout, error boundaries and page. This is the list of `<script src>` the
 * rendered page carries, less the `noModule` polyfills that modern browsers skip.
 */
export function firstLoadChunks(distDir: string, route: string): string[] {
  const build = JSON.parse(readFileSync(join(distDir, 'build-manifest.json'), 'utf8')) as { rootMainFiles: string[] };
  const sandbox: { __RSC_MANIFEST?: Record<string, ClientReferenceManifest> } = {};
  runInNewContext(readFileSync(join(distDir, 'server/app', route, 'page_client-reference-manifest.js'), 'utf8'), sandbox);
  const manifest = sandbox.__RSC_MANIFEST?.[`${route}/page`];
  if (!manifest) throw new Error(`no client reference manifest for ${route} in ${distDir}`);
  return [...new Set([...build.rootMainFiles, ...Object.values(manifest.entryJSFiles).flat()])];
}

const SOURCE_MAPPING_URL = /\/\/# sourceMappingURL=(\S+)\s*$/;

/** The chunks' gzip bytes, each compressed on its own as a server sends it; a source-map comment does not count. */
export function chunksGzip(distDir: string, chunks: string[]): number {
  return chunks.reduce((sum, chunk) => sum + gzipBytes(readFileSync(join(distDir, chunk), 'utf8').replace(SOURCE_MAPPING_URL, '')), 0);
}

/**
 * A second production build, with browser source maps, into `distDir` so that `.next` (which the other
 * benches serve) stays as it is; kept from the last run while it is newer than every source, as `.next` is
 * (the bench checks that both ship the same code). `next build` points tsconfig.json and next-env.d.ts at the
 * dist dir it builds; both are put back afterwards.
 */
export function buildWithSourceMaps(distDir: string): void {
  if (isBuildFresh(distDir)) return;
  const kept = ['tsconfig.json', 'next-env.d.ts'].map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  rmSync(distDir, { recursive: true, force: true });
  try {
    execFileSync('next', ['build'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, BENCH_SOURCE_MAPS: '1', NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1' },
    });
  } finally {
    for (const { file, text } of kept) if (readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  }
}

/** `turbopack:///[project]/lib/activity.ts` -> `lib/client/activity.ts`; code no map covers -> `(unmapped)`. */
function projectPath(source: string | null): string {
  if (!source) return '(unmapped)';
  return /\[project\]\/(.+)$/.exec(source)?.[1] ?? source;
}

/**
 * Splits the chunks' generated code by the source file each piece came from: every mapping starts a
 * segment that runs to the next mapping, and the segment belongs to that mapping's source.
 */
export function codeBySource(distDir: string, chunks: string[]): Map<string, string> {
  const pieces = new Map<string, string[]>();
  const add = (source: string, code: string) => pieces.set(source, [...(pieces.get(source) ?? []), code]);
  for (const chunk of chunks) {
    const code = readFileSync(join(distDir, chunk), 'utf8');
    const mapFile = SOURCE_MAPPING_URL.exec(code)?.[1];
    if (!mapFile) {
      add(`(no source map: ${chunk})`, code);
      continue;
    }
    const map = readFileSync(join(distDir, dirname(chunk), mapFile), 'utf8');
    const lineStarts = [0];
    for (let at = code.indexOf('\n'); at !== -1; at = code.indexOf('\n', at + 1)) lineStarts.push(at + 1);
    const starts: Array<{ offset: number; source: string }> = [{ offset: 0, source: '(unmapped)' }];
    new SourceMapConsumer(map).eachMapping(
      (mapping) => starts.push({ offset: (lineStarts[mapping.generatedLine - 1] ?? 0) + mapping.generatedColumn, source: projectPath(mapping.source) }),
      null,
      SourceMapConsumer.GENERATED_ORDER,
    );
    starts.forEach(({ offset, source }, index) => add(source, code.slice(offset, starts[index + 1]?.offset ?? code.length)));
  }
  return new Map([...pieces].map(([source, parts]) => [source, parts.join('')]));
}
