import postgres from 'postgres';
import { request as httpRequest } from 'node:http';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { postgresTestPort, startPostgres, type RunningPostgres } from '../test-support/postgres-server';
import { postJson } from '../test-support/post-json';
import { ADMIN, DEMO, expect, sessionCookie, test } from './fixtures';

type Answer = { code: number; text: string; cleared: boolean };
const clearedIn = (lines: string[]) => lines.some((line) => /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line));

/** One request on a connection of its own, any method and headers. */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, agent: false, headers: { ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const setCookie = response.headers['set-cookie'] ?? [];
        resolve({ code: response.statusCode ?? 0, text, cleared: clearedIn(setCookie) });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const signInBody = (account: { username: string; password: string }) => JSON.stringify({ username: account.username, password: account.password });

test.describe('Postgres under a hostile world', () => {
  test.describe.configure({ mode: 'serial', timeout: 120_000 });
  let db: RunningPostgres;
  let app: RunningApp;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    db = await startPostgres(postgresTestPort(4));
    // The database is away before the first request: the migration itself fails.
    await db.stop();
    app = await startApp(appPort(60), { DATABASE_URL: db.url, SESSION_DB_POOL_SIZE: '1', SIGN_IN_MAX_FAILURES_PER_ADDRESS: '100000' });
  });

  test.afterAll(async () => {
    await app?.stop();
    await db?.destroy();
  });

  test('first requests while the database is away answer 503 JSON; once it is back, the schema is made without a restart', async () => {
    const first = await send(`${app.url}/api/session`, 'POST', {}, signInBody(DEMO));
    expect(first.code, first.text).toBe(503);
    expect(first.text).toMatch(/session service is unavailable/);
    await db.start();
    await expect.poll(async () => (await send(`${app.url}/api/session`, 'POST', {}, signInBody(DEMO))).code, { timeout: 10_000 }).toBe(200);
  });

  test('a pool of one connection, 50 sign-ins and 50 keep-alives at once: never 500, never a cleared cookie', async () => {
    const cookie = await sessionCookie(app.url);
    // The sign-ins are another user's: 50 of demo's would push this session out past the cap of 20, rightly.
    const answers = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => send(`${app.url}/api/session`, 'POST', { 'x-forwarded-for': `10.9.0.${i}` }, signInBody(ADMIN))),
      ...Array.from({ length: 50 }, () => send(`${app.url}/api/session/keep-alive`, 'POST', { cookie }, '{"idleMs":0}')),
    ]);
    const codes = answers.map((answer) => answer.code);
    console.log('pool of one:', JSON.stringify(Object.fromEntries([...new Set(codes)].map((code) => [code, codes.filter((c) => c === code).length]))));
    expect(codes.filter((code) => code !== 200 && code !== 503)).toEqual([]);
    expect(answers.filter((answer) => answer.cleared)).toEqual([]);
  });

  test('50 sign-outs, keep-alives and status reads of one session at once: no 500, one signed-out event', async () => {
    const cookie = await sessionCookie(app.url);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? send(`${app.url}/api/session`, 'DELETE', { cookie })
          : i % 3 === 1
            ? send(`${app.url}/api/session/keep-alive`, 'POST', { cookie }, '{"idleMs":0}')
            : send(`${app.url}/api/session`, 'GET', { cookie }),
      ),
    );
    expect(answers.filter((answer) => answer.code >= 500)).toEqual([]);
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`SELECT kind, count(*)::int AS n FROM session_store.session_events WHERE kind = 'signed-out' GROUP BY kind`;
      console.log('signed-out events after 20 sign-outs of one session:', JSON.stringify(rows));
    } finally {
      await sql.end();
    }
  });

  test('hostile headers reach the store: a 16 KB User-Agent, odd X-Forwarded-For, high-bit bytes', async () => {
    const agents = ['x'.repeat(15_000), 'Mozilla/5.0 \u00ff\u00fe\u0080', ''];
    const forwarded = ['', ',,,', ' ', '1.2.3.4, ' + 'f'.repeat(5_000), '\u00ff\u00ff'];
    for (const ua of agents) {
      // Both long ones together pass Node's 16 KB header limit: 431 from Node itself, before the app.
      for (const xff of forwarded.filter((value) => ua.length + value.length < 15_500)) {
        const answer = await send(`${app.url}/api/session`, 'POST', { 'user-agent': ua, 'x-forwarded-for': xff }, signInBody(DEMO));
        expect(answer.code, `${ua.slice(0, 20)} / ${xff.slice(0, 20)}: ${answer.text.slice(0, 200)}`).toBe(200);
      }
    }
  });

  test('the admin page with hostile query parameters answers, never 500', async () => {
    const cookie = await sessionCookie(app.url, ADMIN);
    for (const query of ['page=1e400', 'page=-1', 'page=99999999999999999999', 'page=999999999', 'view=events&page=999999999', 'view=events&user=%00', 'view=events&user=%ED%A0%80', 'view=events&user=' + 'a'.repeat(5000), 'view=events&kind=%00', 'user=a&user=b', 'view=events&user=%EF%B7%BA'.repeat(1)]) {
      const answer = await send(`${app.url}/admin/sessions?${query}`, 'GET', { cookie });
      expect(answer.code, query).toBeLessThan(500);
    }
  });

  test('50 wrong passwords for one user at once: the throttle lets through at most its limit', async () => {
    const user = { username: DEMO.username, password: 'wrong-password' };
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => postJson(`${app.url}/api/session`, JSON.parse(signInBody(user)), { 'x-forwarded-for': `10.8.0.${i}` })));
    const codes = answers.map((answer) => answer.status);
    console.log('wrong passwords:', JSON.stringify(Object.fromEntries([...new Set(codes)].map((code) => [code, codes.filter((c) => c === code).length]))));
    expect(codes.filter((code) => code === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((code) => code >= 500)).toEqual([]);
  });
});
