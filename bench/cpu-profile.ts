import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js';

/** The parts of V8's `.cpuprofile` (what `node --cpu-prof` writes) that the table needs. */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds of the monotonic clock, the one `process.hrtime` reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where the time of a request goes, by what the code does. A sample belongs to the category of the
 * innermost frame that has one, so a JSON.stringify inside our code counts as JSON, and our code around
 * it as ours. Frames of the production build are read through its source maps.
 */
export const CATEGORIES = {
  body: 'request body reading (lib/server/http/respond.ts readJson, undici text)',
  validation: 'validation (zod safeParse)',
  store: 'session store (lib/server/stores, node:sqlite)',
  seal: 'seal and hashing (iron-session, crypto)',
  cookies: "cookies (Next's request cookies, Set-Cookie)",
  json: 'JSON (parse, stringify, Response.json)',
  ours: 'our session logic and handlers (lib/server/session/session.ts, policy, origin check, app/api)',
  next: "Next's routing, request and response (next/dist)",
  node: 'Node HTTP, streams, async hooks (node:)',
  gc: 'garbage collection',
  other: 'V8 and native, unattributed',
} as const;
export type Category = keyof typeof CATEGORIES;

const BODY_READERS = new Set(['text', 'consumeBody', 'fullyReadBody', 'readAllBytes', 'readAllBytesAsync']);

function categoryOf(where: string, functionName: string): Category | undefined {
  if (where === '(garbage collector)') return 'gc';
  if (where === '') {
    // Builtins and native functions have no URL, only a name.
    if (functionName === 'stringify' || functionName === 'parse') return 'json';
    if (functionName === 'hash' || functionName === 'digest' || functionName === 'importKey' || functionName === 'sign') return 'seal';
    return undefined;
  }
  if (where.includes('lib/server/stores/') || where.startsWith('node:sqlite')) return 'store';
  if (where.includes('node_modules/zod/')) return 'validation';
  if (where.includes('iron-session') || where.includes('iron-webcrypto') || where.includes('lib/server/session/seal.ts') || where.includes('uncrypto')) return 'seal';
  if (where.includes('@edge-runtime/cookies') || /spec-extension\/(request-)?cookies|adapters\/request-cookies/.test(where)) return 'cookies';
  if (where.includes('undici')) {
    if (BODY_READERS.has(functionName)) return 'body';
    if (functionName === 'json') return 'json';
    return undefined;
  }
  if (where.endsWith('lib/server/http/respond.ts')) return functionName === 'json' ? 'json' : 'body';
  if (/(^|\/)(lib|app)\//.test(where) && !where.includes('node_modules/')) return 'ours';
  if (where.includes('node_modules/next/') || where.includes('next/dist/') || where.includes('next/src/')) return 'next';
  if (where.startsWith('node:')) return 'node';
  return undefined;
}

/** Source files behind the frames: the production chunks' source maps, read once each. */
class Sources {
  private readonly maps = new Map<string, SourceMapConsumer | null>();

  where(frame: CallFrame): string {
    if (!frame.url.startsWith('file://')) return frame.url;
    const path = fileURLToPath(frame.url);
    let map = this.maps.get(path);
    if (map === undefined) {
      map = existsSync(`${path}.map`) ? new SourceMapConsumer(JSON.parse(readFileSync(`${path}.map`, 'utf8')) as RawSourceMap) : null;
      this.maps.set(path, map);
    }
    const source = map?.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber }).source;
    if (!source) return path;
    // The app's own chunks are named by the source alone; a package's bundle keeps its path beside it.
    const original = source.replace(/^(\.\.\/)+/, '').replace(/^turbopack:\/\/\/\[project\]\//, '');
    return path.includes('/.next/') ? original : `${path}#${original}`;
  }
}

/** Microseconds of CPU per category in each window `[from, to)` (monotonic microseconds), idle excluded. */
export function attribute(profile: CpuProfile, windows: Array<{ from: number; to: number }>): Array<Record<Category, number>> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const sources = new Sources();
  const categoryOfNode = new Map<number, Category | 'idle'>();
  const classify = (id: number): Category | 'idle' => {
    const known = categoryOfNode.get(id);
    if (known) return known;
    const frame = byId.get(id)?.callFrame;
    let category: Category | 'idle' = 'other';
    if (frame?.functionName === '(idle)') category = 'idle';
    else if (frame) {
      const where = frame.url === '' && frame.functionName === '(garbage collector)' ? '(garbage collector)' : sources.where(frame);
      const own = categoryOf(where, frame.functionName);
      const up = parent.get(id);
      category = own ?? (up === undefined ? 'other' : classify(up));
    }
    categoryOfNode.set(id, category);
    return category;
  };

  const totals = windows.map(() => Object.fromEntries(Object.keys(CATEGORIES).map((key) => [key, 0])) as Record<Category, number>);
  let time = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    const windowIndex = windows.findIndex(({ from, to }) => time >= from && time < to);
    const sample = profile.samples[index];
    const total = totals[windowIndex];
    if (!total || sample === undefined) continue;
    const category = classify(sample);
    // A sample stands for the time until the next one.
    if (category !== 'idle') total[category] += profile.timeDeltas[index + 1] ?? delta;
  }
  return totals;
}
