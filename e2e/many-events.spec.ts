import { randomUUID } from 'node:crypto';
import { EVENT_KINDS } from '../lib/shared/session-events';
import type { SessionEvent } from '../lib/server/stores/event-schema';
import type { SessionStore } from '../lib/server/stores/types';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { startStore, type StoreUnderTest } from '../test-support/store-under-test';
import { ADMIN, DEMO, expect, medianFetch, sessionCookie, test } from './fixtures';

/**
 * The dashboard's "Recent activity" and the administrator's Events view with 10,000 events in the store, on each
 * store: seeded straight into it (as bench/seed-sessions.ts seeds sessions), then the whole page fetched several
 * times. What is asserted is what the pages show; the times are reported (annotations), with only a loose guard.
 */
const EVENTS = 10_000;
const RUNS = 7; // medianFetch's

async function seed(store: SessionStore, now: number): Promise<SessionEvent[]> {
  const seeded = Array.from({ length: EVENTS }, (_, i): SessionEvent => ({
    id: randomUUID(),
    // Every minute of the last week or so, demo's every other one; the newest is demo's.
    at: now - 60_000 - i * 60_000,
    // Every kind, and a third of demo's idle, so a filter by user and kind has pages to turn however many kinds there are.
    kind: i % 6 === 0 ? 'idle' : (EVENT_KINDS[i % EVENT_KINDS.length] ?? 'signed-in'),
    username: i % 2 === 0 ? DEMO.username : `seeded-${i % 97}`,
    sessionTag: 'SEEDEDSEEDEDSEED',
    actor: { by: 'system' },
    details: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', address: '10.0.0.1', afterMs: 1_800_000 },
  }));
  for (let i = 0; i < seeded.length; i += 200) await Promise.all(seeded.slice(i, i + 200).map((event) => store.appendEvent(event)));
  return seeded;
}

const STORES = [
  { name: 'SQLite', port: appPort(52) },
  { name: 'Redis', port: appPort(53) },
  { name: 'Postgres', port: appPort(54) },
] as const;

for (const kind of STORES) {
  test.describe(`10,000 events, ${kind.name}`, () => {
    test.describe.configure({ mode: 'serial', timeout: 120_000 });
    const base = `http://localhost:${kind.port}`;
    let under: StoreUnderTest | undefined;
    let app: RunningApp;
    let store: SessionStore;
    let seeded: SessionEvent[] = [];

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      under = await startStore(kind.name, { offset: 8, label: 'many-events' });
      app = await startApp(kind.port, under.env);
      store = under.open();
      seeded = await seed(store, Date.now() - 60 * 60_000);
    });
    test.afterAll(async () => {
      await store?.close();
      await app?.stop();
      await under?.stop();
    });

    test('the dashboard shows the user\'s 10 latest, newest first', async () => {
      const cookie = await sessionCookie(base, DEMO);
      const { ms, html } = await medianFetch(`${base}/dashboard`, cookie);
      test.info().annotations.push({ type: `${kind.name} dashboard, median of ${RUNS}`, description: `${ms} ms` });
      const items = [...html.matchAll(/<li data-kind="([a-z-]+)"/g)].map((match) => match[1]);
      // The sign-in just made, then the seeded ones of demo, the newest first.
      const expected = ['signed-in', ...seeded.filter((event) => event.username === DEMO.username).slice(0, 9).map((event) => event.kind)];
      expect(items).toEqual(expected);
      expect(ms).toBeLessThan(2_000);
    });

    test('the Events view pages everyone\'s, 50 a page, and filters by user and kind', async () => {
      const cookie = await sessionCookie(base, ADMIN);
      const { ms, html } = await medianFetch(`${base}/admin/sessions?view=events`, cookie);
      test.info().annotations.push({ type: `${kind.name} admin events, median of ${RUNS}`, description: `${ms} ms` });
      const total = (await store.listEvents({}, Date.now(), { offset: 0, limit: 1 })).total;
      expect(total).toBeGreaterThanOrEqual(EVENTS);
      expect(html).toContain(`${total.toLocaleString('en')} events, the latest first`);
      expect([...html.matchAll(/<tr data-kind=/g)]).toHaveLength(50);
      expect(html).toContain(`Page 1 of ${Math.ceil(total / 50)}`);
      // A page far past the end shows the last one, and costs what the last one costs.
      const last = await medianFetch(`${base}/admin/sessions?view=events&page=999999999`, cookie);
      test.info().annotations.push({ type: `${kind.name} admin events, page 999999999, median of ${RUNS}`, description: `${last.ms} ms` });
      expect(last.html).toContain(`Page ${Math.ceil(total / 50)} of ${Math.ceil(total / 50)}`);
      expect(last.ms).toBeLessThan(2_000);

      const filtered = await medianFetch(`${base}/admin/sessions?view=events&user=demo&kind=idle&page=3`, cookie);
      test.info().annotations.push({ type: `${kind.name} admin events filtered, median of ${RUNS}`, description: `${filtered.ms} ms` });
      // Redis keeps the latest 1,000 of one user's events (EVENTS_PER_USER), SQLite and Postgres all of them: the store says how many.
      const idle = (await store.listEvents({ username: DEMO.username, kind: 'idle' }, Date.now(), { offset: 0, limit: 1 })).total;
      expect(idle).toBeGreaterThan(150);
      expect(filtered.html).toContain(`${idle.toLocaleString('en')} events matching the filter`);
      expect([...filtered.html.matchAll(/<tr data-kind="idle"/g)].length).toBe(Math.min(50, idle - 100));
      expect(ms).toBeLessThan(2_000);
      expect(filtered.ms).toBeLessThan(2_000);
    });

    test('a user filter no account can match (a NUL, a lone surrogate, a bidi override) is no filter, never an error', async () => {
      const cookie = await sessionCookie(base, ADMIN);
      const all = (await store.listEvents({}, Date.now(), { offset: 0, limit: 1 })).total;
      for (const user of ['de%00mo', '%ED%A0%80demo', '%E2%80%AEdemo']) {
        const response = await fetch(`${base}/admin/sessions?view=events&user=${user}`, { headers: { cookie } });
        expect(response.status, user).toBe(200);
        expect(await response.text(), user).toContain(`${all.toLocaleString('en')} events, the latest first`);
      }
    });
  });
}
