import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { PRECISION } from './precision';
import { alternate, median, record, roundRatios, spreadOf, type Figure } from './results';
import { startTargets, type Started, type Target } from './server-targets';
import { identifyBare, load, rssMiB, type BenchApp, type Endpoint, type LoadFigures, type SignedIn } from './support';

// What a session check costs the server against the bare route of the same server, for this
// app and for what a reader would pick instead (bench/peer-apps.ts), in one run with the sides alternating:
// once with one signed-in cookie, once with 1,000 signed-in sessions cycled by the load (with one cookie,
// our verified-seal cache skips after the first request the unseal that every peer pays on each one). This
// app's other session stores (cookie, one Redis, a Redis Cluster, Postgres), and Auth.js's database sessions in the
// same Postgres, are measured with the many sessions.
const CONNECTIONS = 10;
const { runS: RUN_S, rounds: ROUNDS, sessions: MANY } = PRECISION.server;
const TARGETS = { status: 0.9, keepAlive: 0.8, p99: 1.5, rss: 1.2 };
const MODES = [
  { id: 'one', count: 1, label: 'one signed-in cookie' },
  { id: 'many', count: MANY, label: `${MANY} signed-in sessions` },
] as const;

const rps = (runs: LoadFigures[]) => median(runs.map((run) => run.rps));
const p99 = (runs: LoadFigures[]) => median(runs.map((run) => run.p99));
const cpu = (runs: LoadFigures[]) => median(runs.map((run) => run.cpuUsPerAnswer));
const sum = (runs: LoadFigures[], key: 'bad' | 'checked') => runs.reduce((total, run) => total + run[key], 0);
const each = (runs: LoadFigures[], key: 'rps' | 'p99' | 'cpuUsPerAnswer') => runs.map((run) => run[key]);

/** A check's floor: the bare route sent the same method, cookie and body; a POST's is the bare POST. */
const floorOf = (check: Omit<Endpoint, 'sessions'>) => (check.method === 'POST' ? 'bare-post' : 'bare');

function targetFigures(target: Target, runs: Record<string, LoadFigures[]>): Figure[] {
  const ours = target.id === 'ours';
  const bare = runs[`${target.id}:bare`] ?? [];
  const barePost = runs[`${target.id}:bare-post`];
  const all = Object.entries(runs).filter(([side]) => side.startsWith(`${target.id}:`)).flatMap(([, side]) => side);
  const figures: Figure[] = [
    { id: `${target.id}-bare-rps`, label: `${target.label}: bare route, median`, value: rps(bare), unit: 'req/s' },
    { id: `${target.id}-bare-cpu`, label: `${target.label}: bare route, server CPU per answer, median`, value: cpu(bare), unit: 'us' },
  ];
  if (barePost) {
    figures.push(
      { id: `${target.id}-bare-post-rps`, label: `${target.label}: bare route, POST, median`, value: rps(barePost), unit: 'req/s' },
      { id: `${target.id}-bare-post-cpu`, label: `${target.label}: bare route, POST, server CPU per answer, median`, value: cpu(barePost), unit: 'us' },
    );
  }
  if (ours) figures.push({ id: 'ours-bare-p99', label: 'ours: bare route p99, median', value: p99(bare), unit: 'ms' });
  for (const [name, check] of Object.entries(target.checks)) {
    const side = runs[`${target.id}:${name}`] ?? [];
    const floor = runs[`${target.id}:${floorOf(check)}`] ?? [];
    const over = floorOf(check) === 'bare' ? 'bare' : 'bare POST';
    const goal = name === 'keepAlive' ? TARGETS.keepAlive : TARGETS.status;
    figures.push(
      { id: `${target.id}-${name}-rps`, label: `${target.label}: ${check.method} ${check.path}, median`, value: rps(side), unit: 'req/s' },
      {
        id: `${target.id}-${name}-ratio`,
        label: `${target.label}: ${name} / ${over}`,
        value: rps(side) / rps(floor),
        unit: 'x',
        ...(ours ? { target: { op: '>=', value: goal } } : {}),
        spread: roundRatios(each(side, 'rps'), each(floor, 'rps')),
      },
      {
        id: `${target.id}-${name}-p99-ratio`,
        label: `${target.label}: ${name} p99 / ${over} p99`,
        value: p99(side) / p99(floor),
        unit: 'x',
        ...(ours ? { target: { op: '<=', value: TARGETS.p99 } } : {}),
        spread: roundRatios(each(side, 'p99'), each(floor, 'p99')),
      },
      {
        id: `${target.id}-${name}-cpu-ratio`,
        label: `${target.label}: ${name}, ${over} CPU per answer / its CPU per answer (the throughput ratio of a saturated core)`,
        value: cpu(floor) / cpu(side),
        unit: 'x',
        note: `${cpu(side).toFixed(0)} us per answer`,
        spread: roundRatios(each(floor, 'cpuUsPerAnswer'), each(side, 'cpuUsPerAnswer')),
      },
    );
    // What Next's handling of a POST costs on top: the same check over the bare GET, shown, not held.
    if (floor !== bare) {
      figures.push({ id: `${target.id}-${name}-get-ratio`, label: `${target.label}: ${name} / bare GET`, value: rps(side) / rps(bare), unit: 'x', spread: roundRatios(each(side, 'rps'), each(bare, 'rps')) });
    }
  }
  figures.push(
    { id: `${target.id}-bad`, label: `${target.label}: errors, non-2xx, answers naming another user`, value: sum(all, 'bad'), unit: '', target: { op: '<=', value: 0 }, note: `${sum(all, 'checked')} answers checked` },
    { id: `${target.id}-rss`, label: `${target.label}: server RSS at the end of the load`, value: rssMiB(target.app.pid), unit: 'MiB' },
  );
  return figures;
}

/**
 * Ours over the best peer's ratio for any of its session checks: above 1 when ours is ahead of every peer.
 * By throughput (the target) and by CPU per answer (the steadier figure on a busy machine). The best peer is
 * the one with the best median; each round compares ours with that peer in the same round.
 */
function aheadFigures(figures: Figure[]): Figure[] {
  const value = (id: string) => figures.find((figure) => figure.id === id)?.value ?? Number.NaN;
  const rounds = (id: string) => figures.find((figure) => figure.id === id)?.spread?.perRound ?? [];
  return (['', '-cpu'] as const).flatMap((kind) => {
    const isRatio = (id: string) => (kind === '' ? id.endsWith('-ratio') && !/-(p99|cpu|get)-ratio$/.test(id) : id.endsWith('-cpu-ratio'));
    const peers = figures.filter((figure) => !figure.id.startsWith('ours-') && isRatio(figure.id));
    const best = peers.reduce((top, figure) => (figure.value > top.value ? figure : top));
    const note = `best peer: ${best.label} ${best.value.toFixed(2)}x`;
    const target = kind === '' ? { target: { op: '>=' as const, value: 1 } } : {};
    const by = kind === '' ? 'throughput' : 'CPU per answer';
    const ahead = (check: string) => {
      const ours = `ours-${check}${kind}-ratio`;
      return { value: value(ours) / best.value, unit: 'x', ...target, note, spread: roundRatios(rounds(ours), best.spread?.perRound ?? []) };
    };
    return [
      { id: `ours-status${kind}-ahead`, label: `ours: status ratio / best peer ratio, by ${by}`, ...ahead('status') },
      { id: `ours-keepAlive${kind}-ahead`, label: `ours: keep-alive ratio / best peer ratio, by ${by}`, ...ahead('keepAlive') },
    ];
  });
}

/** The same sessions, each expected to name another's user (or nobody's, for one), to prove the check can fail. */
function misattributed(sessions: SignedIn[]): SignedIn[] {
  return sessions.map((session, index) => ({
    cookie: session.cookie,
    identity: sessions.length > 1 ? (sessions[(index + 1) % sessions.length]?.identity ?? '') : `not ${session.identity}`,
  }));
}

/** The targets a mode measures: this app's other stores only with many sessions, where a store's cost shows. */
const targetsFor = (mode: (typeof MODES)[number], targets: Target[]) => targets.filter((target) => mode.id === 'many' || !target.manyOnly);

/** One mode's runs: every side of every target, alternating, and the figures with their targets. */
async function measure(mode: (typeof MODES)[number], first: number, targets: Target[], floor: BenchApp): Promise<void> {
  const endpoints: Record<string, { url: string; endpoint: Endpoint }> = {};
  const pids: Record<string, number> = {};
  for (const target of targets) {
    const signingIn = Date.now();
    const sessions: SignedIn[] = await target.signIn(mode.count, first);
    console.log(`${target.label}: ${mode.count} signed in in ${((Date.now() - signingIn) / 1000).toFixed(1)} s`);
    // The bare route gets the signed-in cookies too, as a browser sends them to every route of the app: the ratio
    // is then what the session check costs, not what the Cookie header's bytes cost every request.
    const bareSessions = sessions.map(({ cookie }) => ({ cookie, identity: 'ok' }));
    endpoints[`${target.id}:bare`] = { url: target.app.url, endpoint: { method: 'GET', path: '/api/health', identify: identifyBare, sessions: bareSessions } };
    pids[`${target.id}:bare`] = target.app.pid;
    const post = Object.values(target.checks).find((check) => check.method === 'POST');
    if (post) {
      endpoints[`${target.id}:bare-post`] = { url: target.app.url, endpoint: { method: 'POST', path: '/api/health', body: post.body, identify: identifyBare, sessions: bareSessions } };
      pids[`${target.id}:bare-post`] = target.app.pid;
    }
    for (const [name, check] of Object.entries(target.checks)) {
      endpoints[`${target.id}:${name}`] = { url: target.app.url, endpoint: { ...check, sessions } };
      pids[`${target.id}:${name}`] = target.app.pid;
      const probe = await load(target.app.url, { ...check, sessions: misattributed(sessions) }, CONNECTIONS, 1);
      expect(probe.checked, `${target.id} ${name}: answers checked in the probe`).toBeGreaterThan(0);
      expect(probe.bad, `${target.id} ${name}: every misattributed answer counted as bad`).toBeGreaterThanOrEqual(probe.checked);
    }
  }
  const bareAppEndpoint: Endpoint = { method: 'GET', path: '/api/health', identify: identifyBare };
  // Warm every route (JIT, caches, prepared statements) before anything counts.
  for (const { url, endpoint } of Object.values(endpoints)) await load(url, endpoint, CONNECTIONS, 1);
  await load(floor.url, bareAppEndpoint, CONNECTIONS, 1);

  const ours = targets.find((target) => target.id === 'ours');
  // RSS after every round: the figure is the last reading, at the end of the load; the earlier ones give it rounds.
  const rssRatios: number[] = [];
  const runs = await alternate(
    ROUNDS,
    {
      ...Object.fromEntries(Object.entries(endpoints).map(([side, { url, endpoint }]) => [side, () => load(url, endpoint, CONNECTIONS, RUN_S, pids[side])])),
      // The RSS floor gets the load ours gets in a round: as long as its three sides together.
      'bare-app': () => load(floor.url, bareAppEndpoint, CONNECTIONS, 3 * RUN_S),
    },
    () => rssRatios.push(ours ? rssMiB(ours.app.pid) / rssMiB(floor.pid) : Number.NaN),
  );
  const figures = targets.flatMap((target) => targetFigures(target, runs));
  figures.push(
    ...aheadFigures(figures),
    { id: 'bare-app-rss', label: 'a bare app (ours, only GET /api/health): RSS at the end of the same load', value: rssMiB(floor.pid), unit: 'MiB' },
    { id: 'ours-rss-ratio', label: 'ours: RSS at the end / the bare app', value: rssRatios.at(-1) ?? Number.NaN, unit: 'x', target: { op: '<=', value: TARGETS.rss }, spread: spreadOf(rssRatios) },
  );
  // The targets are set on the many-session load, where every request pays what a real server's would;
  // with one cookie the figures are shown beside them, and only "no bad answer" is held.
  const held: Figure[] = mode.id === 'many' ? figures : figures.map(({ target, ...figure }) => (figure.id.endsWith('-bad') && target ? { ...figure, target } : figure));
  record(`server-${mode.id}`, held.map((figure) => ({ ...figure, label: `${mode.label}: ${figure.label}` })));
  for (const figure of held.filter((candidate) => candidate.target)) {
    const { op, value } = figure.target ?? { op: '<=', value: 0 };
    if (op === '>=') expect.soft(figure.value, figure.id).toBeGreaterThanOrEqual(value);
    else expect.soft(figure.value, figure.id).toBeLessThanOrEqual(value);
  }
}

test('session checks against their own bare routes: ours and the peers, one cookie and many sessions', async () => {
  const started: Started[] = [];
  try {
    const { targets, bareApp } = await startTargets(resolve(`.data/bench/server-${Date.now()}`), started);
    // Each round runs every side once, and the bare app for three; sign-ins and warm-ups get 15 minutes.
    const sides = (mode: (typeof MODES)[number]) =>
      targetsFor(mode, targets).reduce((count, target) => count + 1 + Object.keys(target.checks).length + (Object.values(target.checks).some((check) => check.method === 'POST') ? 1 : 0), 3);
    test.setTimeout(MODES.reduce((total, mode) => total + sides(mode), 0) * ROUNDS * RUN_S * 1000 + 900_000);
    // Every mode signs in users of its own: an account a mode made earlier cannot be made again.
    let first = 0;
    for (const mode of MODES) {
      await measure(mode, first, targetsFor(mode, targets), bareApp);
      first += mode.count;
    }
  } finally {
    await Promise.all(started.map((app) => app.stop()));
  }
});
