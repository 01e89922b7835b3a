import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { SqliteSessionStore } from '../lib/server/stores/sqlite';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { dbPath } from '../test-support/servers';
import { ADMIN, DEMO, expect, sessionCookie, test } from './fixtures';

// GET /api/session/events, the stream that tells a browser its session ended, against hostile and unlucky callers.
// A server of its own: a cap of 3 sessions (and streams) per user, and at most 4 streams in the process.
const PORT = appPort(28);
const BASE = `http://localhost:${PORT}`;
const DB = dbPath('end-stream');

interface Opened {
  status: number;
  headers: IncomingMessage['headers'];
  /** Everything received so far. */
  text(): string;
  /** Resolves when the server has closed the stream. */
  closed: Promise<void>;
  close(): void;
}

/** Opens the stream with `cookie` and keeps reading it (as EventSource does) until the server or `close` ends it. */
function openStream(cookie?: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${BASE}/api/session/events`, { agent: false, headers: { accept: 'text/event-stream', ...(cookie ? { cookie } : {}) } }, (response) => {
      let received = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (received += chunk));
      const closed = new Promise<void>((done) => {
        response.on('end', done);
        response.on('close', done);
      });
      resolve({ status: response.statusCode ?? 0, headers: response.headers, text: () => received, closed, close: () => outgoing.destroy() });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The status a stream opened with `cookie` gets; the stream is closed again at once. */
async function streamStatus(cookie: string): Promise<number> {
  const stream = await openStream(cookie);
  stream.close();
  return stream.status;
}

const until = (check: () => boolean, ms = 5_000) => expect.poll(check, { timeout: ms, intervals: [25] }).toBe(true);

test.describe('the end stream', () => {
  test.describe.configure({ mode: 'serial' });
  let app: RunningApp;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    app = await startApp(PORT, { SESSION_DB_PATH: DB, SESSION_MAX_PER_USER: '3', SESSION_STREAMS_MAX: '4' });
  });
  test.afterAll(async () => app?.stop());

  test('answers 401 with the reason, as JSON, to no cookie, a forged one and an ended one', async () => {
    const ended = await sessionCookie(BASE);
    await fetch(`${BASE}/api/session`, { method: 'DELETE', headers: { cookie: ended, origin: BASE } });
    for (const [cookie, reason] of [
      [undefined, 'no-session'],
      ['__Host-session=Fe26.2**forged', 'invalid'],
      [ended, 'signed-out'],
    ] as const) {
      const response = await fetch(`${BASE}/api/session/events`, { headers: cookie ? { cookie } : {} });
      expect(response.status, reason).toBe(401);
      expect(await response.json()).toEqual({ authenticated: false, reason });
    }
  });

  test('streams at once for a live session, never extends it, and tells its end with the reason, then closes', async () => {
    const cookie = await sessionCookie(BASE);
    const store = new SqliteSessionStore(DB);
    const before = (await store.listByUser(DEMO.username, Date.now(), { offset: 0, limit: 10 })).records;
    const stream = await openStream(cookie);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toContain('no-transform');
    await until(() => /^retry: 5000\nevent: watching\ndata: \{"sessionTag":"[\w-]{16}"\}\n\n/.test(stream.text()));
    // The record is as it was: opening the stream is no activity.
    expect((await store.listByUser(DEMO.username, Date.now(), { offset: 0, limit: 10 })).records).toEqual(before);
    await fetch(`${BASE}/api/session`, { method: 'DELETE', headers: { cookie, origin: BASE } });
    await stream.closed;
    expect(stream.text()).toMatch(/event: ended\ndata: \{"reason":"signed-out","sessionTag":"[\w-]{16}"\}\n\n$/);
    await store.close();
  });

  test('one user gets at most the session cap of streams at once; the one past it 429, and the page falls back to checks', async () => {
    const cookie = await sessionCookie(BASE);
    const streams = await Promise.all(Array.from({ length: 3 }, () => openStream(cookie)));
    expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200]);
    const refused = await fetch(`${BASE}/api/session/events`, { headers: { cookie } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    for (const stream of streams) stream.close();
    // Closed by the client, they count no more.
    await expect.poll(() => streamStatus(cookie)).toBe(200);
  });

  test('past SESSION_STREAMS_MAX in the process: 503 with Retry-After, and streams again once one closes', async () => {
    const [demo, admin] = [await sessionCookie(BASE), await sessionCookie(BASE, ADMIN)];
    const streams = [...(await Promise.all(Array.from({ length: 3 }, () => openStream(demo)))), await openStream(admin)];
    expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200, 200]);
    const refused = await fetch(`${BASE}/api/session/events`, { headers: { cookie: admin } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    streams[0]?.close();
    await expect.poll(() => streamStatus(admin)).toBe(200);
    for (const stream of streams) stream.close();
  });

  test('1,000 streams opened at once by one user: as many as the cap stream, the rest 429, never a 5xx', async () => {
    const cookie = await sessionCookie(BASE);
    const opened = await Promise.all(Array.from({ length: 1_000 }, () => openStream(cookie)));
    const codes = opened.map((stream) => stream.status);
    for (const stream of opened) stream.close();
    expect(codes.filter((code) => code === 200).length).toBeLessThanOrEqual(3);
    expect(codes.filter((code) => code !== 200 && code !== 429)).toEqual([]);
  });

  test('50 browsers gone while their streams were being set up hold no place: the cap\'s worth stream afterwards', async () => {
    const cookie = await sessionCookie(BASE);
    await Promise.all(
      Array.from({ length: 50 }, () =>
        new Promise<void>((resolve) => {
          const outgoing = httpRequest(`${BASE}/api/session/events`, { agent: false, headers: { cookie } });
          outgoing.on('error', () => resolve());
          outgoing.end(() => setTimeout(() => (outgoing.destroy(), resolve()), 5));
        }),
      ),
    );
    await expect
      .poll(async () => {
        const streams = await Promise.all(Array.from({ length: 3 }, () => openStream(cookie)));
        for (const stream of streams) stream.close();
        return streams.map((stream) => stream.status);
      })
      .toEqual([200, 200, 200]);
  });

  test('clients that never read hold their places only while the session lasts; the end waits for them, then the server closes', async () => {
    const cookie = await sessionCookie(BASE);
    // Raw connections that send the request and then read nothing, not even the headers.
    const sockets = await Promise.all(
      Array.from({ length: 3 }, () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(PORT, 'localhost', () => {
            socket.pause();
            socket.write(`GET /api/session/events HTTP/1.1\r\nHost: localhost:${PORT}\r\nAccept: text/event-stream\r\nCookie: ${cookie}\r\n\r\n`, () => resolve(socket));
          });
          socket.on('error', reject);
        }),
      ),
    );
    await expect.poll(() => streamStatus(cookie)).toBe(429);
    await fetch(`${BASE}/api/session`, { method: 'DELETE', headers: { cookie, origin: BASE } });
    // Ended, they count no more: the user's next session streams at once.
    expect(await streamStatus(await sessionCookie(BASE))).toBe(200);
    // Read at last, each has its headers, its end with the reason, and then the server's close.
    const read = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<string>((resolve) => {
            let text = '';
            socket.setEncoding('utf8');
            socket.on('data', (chunk: string) => (text += chunk));
            socket.on('end', () => resolve(text));
            socket.resume();
          }),
      ),
    );
    for (const text of read) {
      expect(text).toMatch(/^HTTP\/1\.1 200 /);
      // The last chunk of the event, then the chunked body's end.
      expect(text).toMatch(/event: ended\ndata: \{"reason":"signed-out","sessionTag":"[\w-]{16}"\}\n\n\r\n0\r\n\r\n$/);
    }
  });

  test('a server told to stop closes its open streams and stops, rather than wait for them', async () => {
    const stream = await openStream(await sessionCookie(BASE));
    expect(stream.status).toBe(200);
    const started = Date.now();
    await app.stop();
    await stream.closed;
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
