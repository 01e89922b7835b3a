import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from '@playwright/test';
import { SqliteSessionStore } from '../lib/server/stores/sqlite';
import { buildApp } from './build-if-needed';
import { attribute, CATEGORIES, type Category, type CpuProfile } from './cpu-profile';
import { seedSessions } from './seed-sessions';
import { identifyBare, identifyOurs, inParallel, load, startBenchApp, type Endpoint } from './support';

// Where the server's time goes for a keep-alive, beyond what the bare route costs: `next start` runs
// with `--cpu-prof` while the bare route (GET and POST), the status and the keep-alive each get a keep-alive-style load
// (10 connections, 1,000 sessions cycled), one after another; each sample is counted in the window of
// the load it fell in (both clocks are the monotonic one) and divided by the answers of that window.
// The sampler counts wall time on the main thread, so on a busy machine every cost grows alike; the
// server's CPU time per answer from /proc (every thread, the crypto pool's too) is the last row.
const CONNECTIONS = 10;
const RUN_S = Number(process.env.BENCH_RUN_S ?? 15);
const SESSIONS = 1000;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

test('where the time of a keep-alive goes, beyond the bare route', async () => {
  buildApp();
  const dir = resolve(`.data/bench/profile-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'sessions.db');
  const sessions = await seedSessions(new SqliteSessionStore(db), SESSIONS);
  // The bare routes get what the checks get, the cookie and (for the POST) the body, as in the server bench.
  const bareSessions = sessions.map(({ cookie }) => ({ cookie, identity: 'ok' }));
  const sides: Record<'bare' | 'barePost' | 'status' | 'keepAlive', Endpoint> = {
    bare: { method: 'GET', path: '/api/health', sessions: bareSessions, identify: identifyBare },
    barePost: { method: 'POST', path: '/api/health', body: '{"idleMs":0}', sessions: bareSessions, identify: identifyBare },
    status: { method: 'GET', path: '/api/session', sessions, identify: identifyOurs },
    keepAlive: { method: 'POST', path: '/api/session/keep-alive', body: '{"idleMs":0}', sessions, identify: identifyOurs },
  };
  const app = await startBenchApp(40, { SESSION_DB_PATH: db, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
  const windows: Array<{ side: keyof typeof sides; from: number; to: number; answers: number; cpuUs: number }> = [];
  try {
    for (const endpoint of Object.values(sides)) await load(app.url, endpoint, CONNECTIONS, 2);
    // Every session once before anything counts: at a busy machine's rate two seconds reach only some of them,
    // and the first request of each pays the unseal that the verified-seal cache saves every later one.
    await inParallel(sessions.length, CONNECTIONS, (index) => fetch(`${app.url}/api/session`, { headers: { cookie: sessions[index]?.cookie ?? '' } }).then((answer) => answer.arrayBuffer()));
    for (const [side, endpoint] of Object.entries(sides) as Array<[keyof typeof sides, Endpoint]>) {
      const from = nowUs();
      const figures = await load(app.url, endpoint, CONNECTIONS, RUN_S, app.pid);
      windows.push({ side, from, to: nowUs(), answers: figures.checked, cpuUs: figures.cpuUsPerAnswer });
      if (figures.bad > 0) throw new Error(`${side}: ${figures.bad} bad answers`);
    }
  } finally {
    // Node writes the profile as the server exits.
    await app.stop();
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile') && name.includes(`.${app.pid}.`));
  if (!file) throw new Error(`no CPU profile of the server (pid ${app.pid}) in ${dir}`);
  // The windows beside the profile, so its samples can be read again per window (by function, say).
  writeFileSync(join(dir, 'windows.json'), JSON.stringify(windows));
  const totals = attribute(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, windows);
  const perAnswer = (side: number, category: Category) => (totals[side]?.[category] ?? 0) / (windows[side]?.answers ?? Number.NaN);
  const [bare, barePost, status, keepAlive] = [0, 1, 2, 3];
  const rows = (Object.keys(CATEGORIES) as Category[])
    .map((category) => ({ category, values: [bare, barePost, status, keepAlive].map((side) => perAnswer(side, category)) }))
    .map(({ category, values }) => ({ category, values, extra: (values[keepAlive] ?? 0) - (values[barePost] ?? 0) }))
    .sort((a, b) => b.extra - a.extra);
  const sum = (side: number) => rows.reduce((total, row) => total + (row.values[side] ?? 0), 0);
  const cell = (value: number) => value.toFixed(0);
  const table = [
    '| where the main thread\'s time goes (sampled) | bare µs/answer | bare POST µs/answer | status µs/answer | keep-alive µs/answer | keep-alive − bare POST |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(({ category, values, extra }) => `| ${CATEGORIES[category]} | ${values.map(cell).join(' | ')} | ${cell(extra)} |`),
    `| **all** | ${[bare, barePost, status, keepAlive].map((side) => cell(sum(side))).join(' | ')} | ${cell(sum(keepAlive) - sum(barePost))} |`,
    `| server CPU per answer, every thread (/proc) | ${windows.map((window) => cell(window.cpuUs)).join(' | ')} | ${cell((windows[keepAlive]?.cpuUs ?? 0) - (windows[barePost]?.cpuUs ?? 0))} |`,
    `| answers per second | ${windows.map((window) => cell(window.answers / RUN_S)).join(' | ')} | |`,
  ].join('\n');
  console.log(`\n${table}\n`);
  // Beside the profile, not over bench/profile.md, which explains the runs it quotes.
  writeFileSync(
    join(dir, 'table.md'),
    `# Where the server's time goes (\`npm run bench:profile\`)\n\nCPU profile of \`next start\` (\`--cpu-prof\`), ${CONNECTIONS} connections, ${RUN_S} s per route, ${SESSIONS} sessions cycled; profile in ${relative(process.cwd(), dir)}.\n\n${table}\n`,
  );
});
