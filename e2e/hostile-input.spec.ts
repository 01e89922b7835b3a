import { sealData } from 'iron-session';
import { expect, test } from '@playwright/test';
import { HOSTILE_USERNAMES } from '../test-support/hostile-usernames';
import { sessionCookie } from './fixtures';
import { urlOf } from '../test-support/servers';

const BASE = urlOf('main');
const HOST = new URL(BASE).host;
const JSON_TYPE = { 'Content-Type': 'application/json' };
const SIGN_IN = '/api/session';
const KEEP_ALIVE = '/api/session/keep-alive';

interface Case {
  name: string;
  method?: 'GET' | 'POST' | 'DELETE';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the valid session cookie of this run (or this cookie value instead). */
  cookie?: true | ((seal: string) => string);
  status: number | number[];
  /** What a JSON `error` must say; `reason` for a signed-out answer. */
  error?: RegExp;
  reason?: string;
}

const unknown = (name: string) => JSON.stringify({ username: name, password: 'whatever' });
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Sign-in failures here use unknown names only: the suite must not throttle the demo account for the other specs.
const CASES: Case[] = [
  // Sign-in bodies.
  { name: 'malformed JSON', body: '{"username": "demo", ', status: 400, error: /not valid JSON/ },
  { name: 'a single brace', body: '{', status: 400, error: /not valid JSON/ },
  { name: 'empty JSON body', body: '', status: 400, error: /not valid JSON/ },
  { name: 'JSON null', body: 'null', status: 400, error: /Invalid request body/ },
  { name: 'JSON array', body: '[]', status: 400, error: /Invalid request body/ },
  { name: 'JSON string', body: '"demo"', status: 400, error: /Invalid request body/ },
  { name: 'JSON number', body: '42', status: 400, error: /Invalid request body/ },
  { name: 'missing username', body: JSON.stringify({ password: 'x' }), status: 400, error: /username: Enter your username/ },
  { name: 'missing password', body: JSON.stringify({ username: 'ghost' }), status: 400, error: /password: Enter your password/ },
  { name: 'username is a number', body: JSON.stringify({ username: 7, password: 'x' }), status: 400, error: /username: Username must be text/ },
  { name: 'password is an array', body: JSON.stringify({ username: 'ghost', password: ['x'] }), status: 400, error: /password: Password must be text/ },
  { name: 'password is an object', body: JSON.stringify({ username: 'ghost', password: { $gt: '' } }), status: 400, error: /password: Password must be text/ },
  { name: 'remember is a string', body: JSON.stringify({ username: 'ghost', password: 'x', remember: 'yes' }), status: 400, error: /remember/ },
  { name: 'password of 201 characters', body: JSON.stringify({ username: 'ghost', password: 'p'.repeat(201) }), status: 400, error: /password: Password must be 200 characters or less/ },
  { name: 'lone surrogate in the password', body: '{"username":"ghost","password":"\\udfff"}', status: 400, error: /password: Password must be valid text/ },
  // Hostile usernames, the same table the login form is held to (login-hostile-input.spec.ts).
  ...HOSTILE_USERNAMES.map(({ name, username, error }) => ({
    name,
    body: unknown(username),
    status: error ? 400 : 401,
    error: error ? new RegExp(`^Invalid request body: username: ${escape(error)}$`) : /^Wrong username or password\.$/,
  })),
  { name: 'prototype pollution attempt', body: '{"username":"ghost-proto","password":"x","__proto__":{"role":"admin"}}', status: 401, error: /Wrong username/ },
  { name: 'deeply nested JSON', body: `${'['.repeat(1500)}${']'.repeat(1500)}`, status: 400, error: /Invalid request body/ },
  { name: 'body over 4 KiB', body: JSON.stringify({ username: 'ghost', password: 'x'.repeat(5000) }), status: 413, error: /at most 4096 bytes/ },
  { name: 'body of 1 MiB', body: 'x'.repeat(1 << 20), status: 413, error: /at most 4096 bytes/ },
  { name: 'text/plain', body: unknown('ghost'), headers: { 'Content-Type': 'text/plain' }, status: 415, error: /application\/json/ },
  { name: 'form-encoded', body: 'username=ghost&password=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, status: 415, error: /application\/json/ },
  { name: 'multipart', body: '--b\r\n\r\nx\r\n--b--', headers: { 'Content-Type': 'multipart/form-data; boundary=b' }, status: 415, error: /application\/json/ },
  { name: 'look-alike content type', body: unknown('ghost'), headers: { 'Content-Type': 'application/jsonx' }, status: 415, error: /application\/json/ },
  // Cross-site requests.
  { name: 'sign-in from another origin', body: unknown('ghost'), headers: { Origin: 'https://evil.example' }, status: 403, error: /Cross-site/ },
  { name: 'sign-in with Sec-Fetch-Site cross-site', body: unknown('ghost'), headers: { 'Sec-Fetch-Site': 'cross-site' }, status: 403, error: /Cross-site/ },
  { name: 'sign-in with Sec-Fetch-Site same-site', body: unknown('ghost'), headers: { 'Sec-Fetch-Site': 'same-site' }, status: 403, error: /Cross-site/ },
  { name: 'sign-in with Origin null', body: unknown('ghost'), headers: { Origin: 'null' }, status: 403, error: /Cross-site/ },
  { name: 'sign-in from a look-alike origin', body: unknown('ghost'), headers: { Origin: `http://${HOST}.evil.example` }, status: 403, error: /Cross-site/ },
  { name: 'sign-in from this origin is let through', body: unknown('ghost-same'), headers: { Origin: BASE, 'Sec-Fetch-Site': 'same-origin' }, status: 401 },
  { name: 'sign-out from another origin', method: 'DELETE', cookie: true, headers: { Origin: 'https://evil.example' }, status: 403, error: /Cross-site/ },
  { name: 'sign-out naming a malformed session tag', method: 'DELETE', cookie: true, headers: { 'X-Session-Tag': 'x'.repeat(65) }, status: 400, error: /X-Session-Tag must be a session tag/ },
  { name: 'sign-out naming another session ends nothing', method: 'DELETE', cookie: true, headers: { 'X-Session-Tag': 'AnotherSession00' }, status: 409, error: /another session/ },
  { name: 'keep-alive from another site', path: KEEP_ALIVE, cookie: true, body: '{}', headers: { 'Sec-Fetch-Site': 'cross-site' }, status: 403, error: /Cross-site/ },
  { name: 'the sign-out form posted from another site', path: '/sign-out', cookie: true, headers: { Origin: 'https://evil.example' }, status: 403, error: /Cross-site/ },
  // Keep-alive bodies.
  { name: 'keep-alive: negative idleMs', path: KEEP_ALIVE, cookie: true, body: '{"idleMs":-1}', status: 400, error: /idleMs/ },
  { name: 'keep-alive: idleMs a string', path: KEEP_ALIVE, cookie: true, body: '{"idleMs":"60000"}', status: 400, error: /idleMs/ },
  { name: 'keep-alive: idleMs huge', path: KEEP_ALIVE, cookie: true, body: '{"idleMs":1e308}', status: 400, error: /idleMs/ },
  { name: 'keep-alive: idleMs fractional', path: KEEP_ALIVE, cookie: true, body: '{"idleMs":1.5}', status: 400, error: /idleMs/ },
  { name: 'keep-alive: idleMs null', path: KEEP_ALIVE, cookie: true, body: '{"idleMs":null}', status: 400, error: /idleMs/ },
  { name: 'keep-alive: malformed JSON', path: KEEP_ALIVE, cookie: true, body: '{"idleMs":', status: 400, error: /not valid JSON/ },
  { name: 'keep-alive: text/plain', path: KEEP_ALIVE, cookie: true, body: '{}', headers: { 'Content-Type': 'text/plain' }, status: 415 },
  { name: 'keep-alive: oversized', path: KEEP_ALIVE, cookie: true, body: JSON.stringify({ idleMs: 0, pad: 'x'.repeat(8000) }), status: 413 },
  { name: 'keep-alive without a cookie', path: KEEP_ALIVE, body: '{}', status: 401, reason: 'no-session' },
  // Cookies at the status endpoint.
  { name: 'no cookie', method: 'GET', status: 401, reason: 'no-session' },
  { name: 'empty cookie value', method: 'GET', cookie: () => '', status: 401, reason: 'no-session' },
  { name: 'tampered cookie', method: 'GET', cookie: (seal) => flip(seal, Math.floor(seal.length / 2)), status: 401, reason: 'invalid' },
  { name: 'tampered MAC', method: 'GET', cookie: (seal) => flip(seal, seal.length - 5), status: 401, reason: 'invalid' },
  { name: 'truncated cookie', method: 'GET', cookie: (seal) => seal.slice(0, seal.length - 10), status: 401, reason: 'invalid' },
  { name: 'cookie re-encoded as base64', method: 'GET', cookie: (seal) => Buffer.from(seal).toString('base64'), status: 401, reason: 'invalid' },
  { name: 'cookie without its version suffix', method: 'GET', cookie: (seal) => seal.replace(/~2$/, ''), status: 401, reason: 'invalid' },
  { name: 'cookie with bytes after its version suffix', method: 'GET', cookie: (seal) => `${seal}0`, status: 401, reason: 'invalid' },
  { name: 'cookie with another version suffix', method: 'GET', cookie: (seal) => seal.replace(/~2$/, '~3'), status: 401, reason: 'invalid' },
  { name: 'cookie of 5,000 characters', method: 'GET', cookie: (seal) => seal + 'A'.repeat(5000 - seal.length), status: 401, reason: 'invalid' },
  { name: 'cookie sealed with another secret', method: 'GET', cookie: () => FOREIGN, status: 401, reason: 'invalid' },
  { name: 'iron seal with a made-up password id', method: 'GET', cookie: (seal) => seal.replace(/^Fe26\.2\*\d+\*/, 'Fe26.2*1*'), status: 401, reason: 'invalid' },
  { name: 'cookie of random junk', method: 'GET', cookie: () => 'Fe26.2**junk*junk*junk*junk*junk*junk~2', status: 401, reason: 'invalid' },
];

function flip(text: string, at: number): string {
  return text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
}

let FOREIGN = '';
let seal = '';

test.beforeAll(async () => {
  seal = (await sessionCookie(BASE)).split('=').slice(1).join('=');
  FOREIGN = await sealData({ v: 2, sid: crypto.randomUUID(), sub: 'admin', role: 'admin', createdAt: Date.now(), remember: false }, {
    password: { 1: 'another-secret-that-is-long-enough-for-iron-session' },
    ttl: 3600,
  });
});

test(`the hostile-input table has at least 40 cases (${CASES.length})`, () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
});

for (const c of CASES) {
  test(`hostile input: ${c.name}`, async () => {
    const method = c.method ?? 'POST';
    const headers: Record<string, string> = { ...(c.body !== undefined ? JSON_TYPE : {}), ...c.headers };
    if (c.cookie) headers.cookie = `__Host-session=${c.cookie === true ? seal : c.cookie(seal)}`;
    const response = await fetch(`${BASE}${c.path ?? SIGN_IN}`, { method, headers, ...(c.body !== undefined ? { body: c.body } : {}) });
    const text = await response.text();
    const allowed = Array.isArray(c.status) ? c.status : [c.status];
    expect(allowed, `${c.name}: got ${response.status} ${text.slice(0, 200)}`).toContain(response.status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(text).not.toMatch(/\n\s+at |node_modules|Error:/);
    const body = JSON.parse(text) as { error?: unknown; reason?: unknown };
    if (response.status >= 400 && response.status !== 401) expect(typeof body.error).toBe('string');
    if (c.error) expect(body.error).toMatch(c.error);
    if (c.reason) expect(body.reason).toBe(c.reason);
  });
}

test('duplicated cookies, valid or not, never make a 5xx', async () => {
  for (const cookie of [`__Host-session=${seal}; __Host-session=junk`, `__Host-session=junk; __Host-session=${seal}`, `__Host-session=${seal}; __Host-session=${seal}`]) {
    const response = await fetch(`${BASE}/api/session`, { headers: { cookie } });
    expect([200, 401]).toContain(response.status);
  }
});

test('a Cookie header too large for the server is refused with 431, not a 5xx', async () => {
  const response = await fetch(`${BASE}/api/session`, { headers: { cookie: `__Host-session=${'A'.repeat(20_000)}` } });
  expect(response.status).toBe(431);
});
