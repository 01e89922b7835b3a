import { request as httpRequest, type ClientRequest } from 'node:http';
import { expect, test } from '@playwright/test';
import { SqliteSessionStore } from '../lib/server/stores/sqlite';
import { PRECISION } from './precision';
import { alternate, median, record, roundRatios, spreadOf, type Figure } from './results';
import { seedSessions } from './seed-sessions';
import { identifyBare, identifyOurs, load, rssMiB, startBenchApp, type BenchApp, type Endpoint, type LoadFigures, type SignedIn } from './support';

// What the end streams (GET /api/session/events) cost the server: its RSS with 1,000 of them open over none, and
// the status and keep-alive ratios over the bare route with those 1,000 open against with none, in alternating
// rounds. Each of the 1,000 sessions holds one stream, as a browser does, and the load cycles the same sessions.

const STREAMS = 1_000;
const CONNECTIONS = 10;
const { rounds: ROUNDS, runS: RUN_S } = PRECISION.streams;
/** The streams' whole cost in memory (a stream is a socket, a watcher and a heartbeat timer). */
const RSS_TARGET_MIB = 50;
/** Shorter than a heartbeat (15 s), so the streams too are quiet meanwhile. */
const QUIET_MS = 10_000;
const MEMORY_CYCLES = 5;
/** With the streams open, each check's ratio may lose at most this fraction of its ratio without them: the noise here. */
const WITHIN = 0.9;

interface Held {
  /** Streams the server answered with anything but a 200, or closed before they were let go. */
  lost: number;
  close(): void;
}

/** One stream per session, each on a connection of its own, read as EventSource reads, until `watching` has come. */
async function openStreams(app: BenchApp, sessions: readonly SignedIn[]): Promise<Held> {
  const requests: ClientRequest[] = [];
  let lost = 0;
  let closing = false;
  await Promise.all(
    sessions.map(
      ({ cookie }) =>
        new Promise<void>((resolve) => {
          const outgoing = httpRequest(`${app.url}/api/session/events`, { agent: false, headers: { accept: 'text/event-stream', cookie } }, (response) => {
            if (response.statusCode !== 200) {
              lost += 1;
              response.resume();
              return resolve();
            }
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => chunk.includes('event: watching') && resolve());
            response.on('close', () => void (closing || (lost += 1)));
          });
          outgoing.on('error', () => {
            if (!closing) lost += 1;
            resolve();
          });
          outgoing.end();
          requests.push(outgoing);
        }),
    ),
  );
  return {
    get lost() {
      return lost;
    },
    close: () => {
      closing = true;
      for (const outgoing of requests) outgoing.destroy();
    },
  };
}

/**
 * RSS once the server has been quiet for a while (V8 collects and gives memory back when its process idles, so a
 * reading taken at once would count the garbage of the last load too): the median of readings over a second.
 */
async function settledRssMiB(pid: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  const readings: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    readings.push(rssMiB(pid));
  }
  return median(readings);
}

test('1,000 open end streams: the server\'s memory, and the session checks beside them', async () => {
  // Each round runs three sides with the streams open and three without; the seeding and warm-up get 3 minutes.
  test.setTimeout(6 * ROUNDS * RUN_S * 1000 + 2 * MEMORY_CYCLES * QUIET_MS + 180_000);
  const db = `.data/bench/streams-${Date.now()}.db`;
  const sessions = await seedSessions(new SqliteSessionStore(db), STREAMS);
  // Streams per user are capped at the sessions a user may have; the seeded sessions are all one user's.
  const app = await startBenchApp(45, { SESSION_DB_PATH: db, SESSION_MAX_PER_USER: String(STREAMS) });
  let held: Held | undefined;
  try {
    const sides: Record<string, Endpoint> = {
      bare: { method: 'GET', path: '/api/health', identify: identifyBare, sessions: sessions.map(({ cookie }) => ({ cookie, identity: 'ok' })) },
      status: { method: 'GET', path: '/api/session', identify: identifyOurs, sessions },
      keepAlive: { method: 'POST', path: '/api/session/keep-alive', body: '{"idleMs":0}', identify: identifyOurs, sessions },
    };
    const warm = async () => {
      for (const endpoint of Object.values(sides)) await load(app.url, endpoint, CONNECTIONS, 2);
    };
    // Every route and the stream answer a few times before the memory with none is read, so their code is loaded
    // on both sides; the loads come after, as their garbage would be read as memory with or without the streams.
    for (const endpoint of Object.values(sides)) {
      for (const { cookie } of sessions.slice(0, 20)) {
        const answer = await fetch(`${app.url}${endpoint.path}`, { method: endpoint.method, headers: { cookie, 'content-type': 'application/json' }, body: endpoint.body });
        await answer.arrayBuffer();
      }
    }
    (await openStreams(app, sessions.slice(0, 50))).close();
    // The memory with none and with all open, each read after the server has gone quiet, three times over, in turn.
    const rss: Record<'none' | 'open', number[]> = { none: [], open: [] };
    let lost = 0;
    for (let cycle = 0; cycle < MEMORY_CYCLES; cycle += 1) {
      rss.none.push(await settledRssMiB(app.pid));
      held = await openStreams(app, sessions);
      rss.open.push(await settledRssMiB(app.pid));
      if (cycle < MEMORY_CYCLES - 1) {
        lost += held.lost;
        held.close();
        held = undefined;
      }
    }
    const [rssNone, rssOpen] = [median(rss.none), median(rss.open)];
    await warm();

    // Rounds alternate the order of the two states, and within each the order of the sides.
    const loads = (open: boolean) => async () => {
      if (open && !held) held = await openStreams(app, sessions);
      if (!open && held) {
        lost += held.lost;
        held.close();
        held = undefined;
      }
      const runs = await alternate(1, Object.fromEntries(Object.entries(sides).map(([name, endpoint]) => [name, () => load(app.url, endpoint, CONNECTIONS, RUN_S, app.pid)])));
      return Object.fromEntries(Object.entries(runs).map(([name, [run]]) => [name, run as LoadFigures]));
    };
    const runs = await alternate(ROUNDS, { open: loads(true), none: loads(false) });
    if (held) lost += held.lost;

    const ratios = (state: 'open' | 'none', name: string) => runs[state].map((round) => (round[name]?.rps ?? Number.NaN) / (round.bare?.rps ?? Number.NaN));
    const cpu = (state: 'open' | 'none', name: string) => median(runs[state].map((round) => round[name]?.cpuUsPerAnswer ?? Number.NaN));
    const bad = [...runs.open, ...runs.none].flatMap((round) => Object.values(round)).reduce((total, run) => total + run.bad, 0);
    const figures: Figure[] = [
      { id: 'streams-rss-none', label: `server RSS with no stream open, once quiet, median of ${MEMORY_CYCLES}`, value: rssNone, unit: 'MiB', note: rss.none.map((value) => value.toFixed(0)).join(', ') },
      { id: 'streams-rss-open', label: `server RSS with ${STREAMS} streams open, once quiet, median of ${MEMORY_CYCLES}`, value: rssOpen, unit: 'MiB', note: rss.open.map((value) => value.toFixed(0)).join(', ') },
      {
        id: 'streams-rss-over',
        label: `server RSS with ${STREAMS} streams open over none`,
        value: rssOpen - rssNone,
        unit: 'MiB',
        target: { op: '<=', value: RSS_TARGET_MIB },
        note: `${(((rssOpen - rssNone) * 1024) / STREAMS).toFixed(1)} KiB per stream`,
      },
    ];
    for (const [name, label] of [
      ['status', 'status'],
      ['keepAlive', 'keep-alive'],
    ] as const) {
      const [open, none] = [ratios('open', name), ratios('none', name)];
      figures.push(
        { id: `streams-${name}-ratio-open`, label: `${label} / bare, ${STREAMS} streams open`, value: median(open), unit: 'x', spread: spreadOf(open) },
        { id: `streams-${name}-ratio-none`, label: `${label} / bare, no stream open`, value: median(none), unit: 'x', spread: spreadOf(none) },
        {
          id: `streams-${name}-kept`,
          label: `${label} / bare with ${STREAMS} streams open, over the same without`,
          value: median(open) / median(none),
          unit: 'x',
          target: { op: '>=', value: WITHIN },
          spread: roundRatios(open, none),
        },
        // The steadier figure on a busy machine: what one answer costs the server, without the streams over with them.
        { id: `streams-${name}-cpu-kept`, label: `${label}: server CPU per answer, no stream open / ${STREAMS} open`, value: cpu('none', name) / cpu('open', name), unit: 'x', note: `${cpu('open', name).toFixed(0)} / ${cpu('none', name).toFixed(0)} us` },
      );
    }
    figures.push({ id: 'streams-bad', label: 'load errors and non-2xx, and streams refused or dropped', value: bad + lost, unit: '', target: { op: '<=', value: 0 } });
    record('streams', figures);
    for (const figure of figures.filter((candidate) => candidate.target)) {
      const { op, value } = figure.target ?? { op: '<=', value: 0 };
      if (op === '>=') expect.soft(figure.value, figure.id).toBeGreaterThanOrEqual(value);
      else expect.soft(figure.value, figure.id).toBeLessThanOrEqual(value);
    }
  } finally {
    held?.close();
    await app.stop();
  }
});
