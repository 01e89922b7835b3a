import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PRECISION } from './precision';
import { alternate, median, record, RESULTS_DIR, roundRatios } from './results';
import { BENCH_PORT } from './ports';

// Main-thread cost per activity event, and React commits caused by events, in Chromium.
// Every variant is the same React root (bench/pages/root.tsx) in a profiling build; only the
// listeners differ. Single events are too fast to time (Chromium rounds performance.now() to 100 us
// without cross-origin isolation), so a loop of EVENTS is timed, and the control page's time subtracted.

const VARIANTS = ['control', 'floor', 'idle-timer', 'ours', 'naive'] as const;
type Variant = (typeof VARIANTS)[number];
const EVENTS = 20_000;
const EVENTS_IN_OWN_TASKS = 2_000;
const { rounds: ROUNDS } = PRECISION.mainThread;
const OUT_DIR = join(RESULTS_DIR, 'pages');

async function bundle() {
  await build({
    entryPoints: VARIANTS.map((variant) => `bench/pages/${variant}.tsx`),
    outdir: OUT_DIR,
    bundle: true,
    minify: true,
    format: 'esm',
    jsx: 'automatic',
    tsconfig: 'tsconfig.json',
    // The profiling build of react-dom, so the Profiler counts commits as production React makes them.
    alias: { 'react-dom/client': 'react-dom/profiling' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
}

/** One origin for every variant, as the pages of one app would have. */
function serve(port: number) {
  const server = createServer((request, response) => {
    const name = (request.url ?? '/').slice(1);
    if (name.endsWith('.js')) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(OUT_DIR, name)));
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>${name}</title><script type="module" src="/${name}.js"></script>`);
    }
  });
  return new Promise<() => Promise<void>>((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve(() => new Promise((done) => server.close(() => done())))),
  );
}

/** Dispatches `count` alternating mousemove and keydown events in one task; returns the loop's time and the commits it caused. */
function oneTask(page: Page, count: number) {
  return page.evaluate(async (count) => {
    const move = new MouseEvent('mousemove', { bubbles: true, clientX: 10, clientY: 10 });
    const key = new KeyboardEvent('keydown', { bubbles: true, key: 'a' });
    const target = document.body;
    const before = window.commits;
    const started = performance.now();
    for (let i = 0; i < count; i += 1) target.dispatchEvent(i % 2 ? key : move);
    const ms = performance.now() - started;
    // Let React commit whatever the events scheduled.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ms, commits: window.commits - before };
  }, count);
}

/** The same events, each in a task of its own, as real input arrives; returns the commits they caused. */
function ownTasks(page: Page, count: number) {
  return page.evaluate(async (count) => {
    const move = new MouseEvent('mousemove', { bubbles: true, clientX: 10, clientY: 10 });
    const key = new KeyboardEvent('keydown', { bubbles: true, key: 'a' });
    const before = window.commits;
    const channel = new MessageChannel();
    let sent = 0;
    await new Promise<void>((resolve) => {
      channel.port1.onmessage = () => {
        document.body.dispatchEvent(sent % 2 ? key : move);
        sent += 1;
        if (sent < count) channel.port2.postMessage(null);
        else resolve();
      };
      channel.port2.postMessage(null);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    return window.commits - before;
  }, count);
}

test('cost per activity event and React commits: ours against the floor, react-idle-timer and a naive hook', async ({ browser }) => {
  test.setTimeout(180_000);
  await bundle();
  const stop = await serve(BENCH_PORT + 20);
  try {
    const context = await browser.newContext();
    const pages = {} as Record<Variant, Page>;
    for (const variant of VARIANTS) {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${BENCH_PORT + 20}/${variant}`);
      await expect.poll(() => page.evaluate(() => window.commits ?? 0)).toBeGreaterThan(0);
      await oneTask(page, EVENTS); // warm up: JIT, inline caches
      pages[variant] = page;
    }

    const rounds = await alternate(ROUNDS, Object.fromEntries(VARIANTS.map((variant) => [variant, () => oneTask(pages[variant], EVENTS)])) as Record<Variant, () => ReturnType<typeof oneTask>>);
    // Per round, the variant's loop less the control's, per event, in microseconds.
    const increments = (variant: Variant) => rounds[variant].map((run, round) => ((run.ms - (rounds.control[round]?.ms ?? 0)) / EVENTS) * 1000);
    const increment = (variant: Variant) => median(increments(variant));
    const commits = (variant: Variant) => Math.max(...rounds[variant].map((run) => run.commits));
    const taskCommits = {} as Record<Variant, number>;
    for (const variant of VARIANTS) taskCommits[variant] = await ownTasks(pages[variant], EVENTS_IN_OWN_TASKS);
    await context.close();

    const ratio = increment('ours') / increment('floor');
    record('main-thread', [
      { id: 'floor', label: `floor (last = Date.now()), per event, median of ${ROUNDS}`, value: increment('floor'), unit: 'us' },
      { id: 'idle-timer', label: 'react-idle-timer (30 min, 5 min prompt, cross-tab), per event', value: increment('idle-timer'), unit: 'us' },
      { id: 'ours', label: 'ours (controller, cross-tab, dialog), per event', value: increment('ours'), unit: 'us' },
      { id: 'naive', label: 'naive setState hook, per event', value: increment('naive'), unit: 'us' },
      { id: 'ratio', label: 'ours / floor, per event', value: ratio, unit: 'x', target: { op: '<=', value: 1.1 }, spread: roundRatios(increments('ours'), increments('floor')) },
      { id: 'ours-commits', label: `ours: React commits from ${EVENTS} events in one task`, value: commits('ours'), unit: '', target: { op: '<=', value: 0 } },
      { id: 'ours-task-commits', label: `ours: React commits from ${EVENTS_IN_OWN_TASKS} events, one task each`, value: taskCommits.ours, unit: '', target: { op: '<=', value: 0 } },
      { id: 'idle-timer-task-commits', label: `react-idle-timer: commits from ${EVENTS_IN_OWN_TASKS} events, one task each`, value: taskCommits['idle-timer'], unit: '' },
      { id: 'naive-task-commits', label: `naive: commits from ${EVENTS_IN_OWN_TASKS} events, one task each`, value: taskCommits.naive, unit: '' },
    ]);
    expect.soft(ratio).toBeLessThanOrEqual(1.1);
    expect.soft(commits('ours')).toBe(0);
    expect.soft(taskCommits.ours).toBe(0);
    // The method must be able to see what it measures: the naive hook commits for most events (React
    // batches some that arrive between two of its own tasks).
    expect(taskCommits.naive).toBeGreaterThan(EVENTS_IN_OWN_TASKS / 10);
  } finally {
    await stop();
  }
});
