import { randomUUID } from 'node:crypto';
import { sealData } from 'iron-session';
import { passwordId } from '../lib/server/session/seal';
import { expect, test } from '@playwright/test';
import { sessionCookie } from './fixtures';
import { MAIN_LIFETIMES, TEST_SECRET, urlOf } from '../test-support/servers';

const BASE = urlOf('main');
const COOKIE = '__Host-session';

async function validSeal(): Promise<string> {
  return (await sessionCookie(BASE)).slice(`${COOKIE}=`.length);
}

async function statusWith(seal: string) {
  const response = await fetch(`${BASE}/api/session`, { headers: { cookie: `${COOKIE}=${seal}` } });
  return { code: response.status, body: await response.json(), setCookie: response.headers.getSetCookie().join() };
}

test('every session endpoint answers JSON that no cache may keep', async () => {
  const seal = await validSeal();
  for (const [path, method] of [['/api/session', 'GET'], ['/api/session/keep-alive', 'POST'], ['/api/session', 'DELETE']] as const) {
    const response = await fetch(`${BASE}${path}`, { method, headers: { cookie: `${COOKIE}=${seal}` } });
    expect(response.status, `${method} ${path}`).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toContain('application/json');
  }
});

test('DELETE /api/session clears the cookie', async () => {
  const seal = await validSeal();
  const response = await fetch(`${BASE}/api/session`, { method: 'DELETE', headers: { cookie: `${COOKIE}=${seal}` } });
  expect(response.status).toBe(200);
  expect(response.headers.getSetCookie().join()).toMatch(/__Host-session=;.*Max-Age=0/);
});

test('tampered, truncated and foreign cookies are signed out with reason invalid, never a 500', async () => {
  const seal = await validSeal();
  const middle = Math.floor(seal.length / 2);
  const tampered = seal.slice(0, middle) + (seal[middle] === 'A' ? 'B' : 'A') + seal.slice(middle + 1);
  const foreign = await sealData({ v: 1, sid: 'x', sub: 'admin', role: 'admin', createdAt: Date.now(), lastActivityAt: Date.now(), remember: false }, {
    password: 'another-secret-that-is-long-enough-for-iron-session',
    ttl: 3600,
  });
  const wrongShape = await sealData({ sub: 'admin', role: 'root' }, { password: TEST_SECRET, ttl: 3600 });
  const unknownUser = await sealData(
    { v: 1, sid: 'x', sub: 'mallory', role: 'admin', createdAt: Date.now(), lastActivityAt: Date.now(), remember: false },
    { password: TEST_SECRET, ttl: 3600 },
  );
  for (const [name, value] of Object.entries({ tampered, truncated: seal.slice(0, 40), foreign, wrongShape, unknownUser, junk: 'not-a-seal', empty: '~2' })) {
    const result = await statusWith(value);
    expect(result.code, name).toBe(401);
    expect(result.body, name).toEqual({ authenticated: false, reason: 'invalid' });
    expect(result.setCookie, name).toMatch(/Max-Age=0/);
  }
  // A value that is not even valid cookie encoding never reaches the session code: no session, still no 500.
  expect((await statusWith('%%%')).code).toBe(401);
});

test('a cookie whose session started longer ago than the absolute limit is signed out with reason absolute', async () => {
  const longAgo = Date.now() - MAIN_LIFETIMES.absoluteMs - 3_600_000;
  const seal = await sealData({ v: 2, sid: randomUUID(), sub: 'demo', role: 'user', createdAt: longAgo, remember: false }, {
    password: { [passwordId(TEST_SECRET)]: TEST_SECRET },
    ttl: 3600,
  });
  expect((await statusWith(seal)).body).toEqual({ authenticated: false, reason: 'absolute' });
});

test('bad sign-in input gets a 4xx with a JSON error, never a 500', async () => {
  const cases: Array<[string, RequestInit, number]> = [
    ['malformed JSON', { body: '{"username":', headers: { 'Content-Type': 'application/json' } }, 400],
    ['missing password', { body: JSON.stringify({ username: 'demo' }), headers: { 'Content-Type': 'application/json' } }, 400],
    ['wrong types', { body: JSON.stringify({ username: 1, password: [], remember: 'yes' }), headers: { 'Content-Type': 'application/json' } }, 400],
    ['an array', { body: '[]', headers: { 'Content-Type': 'application/json' } }, 400],
    ['form-encoded', { body: 'username=demo&password=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415],
    ['oversized', { body: JSON.stringify({ username: 'demo', password: 'x'.repeat(10_000) }), headers: { 'Content-Type': 'application/json' } }, 413],
    ['unknown user', { body: JSON.stringify({ username: 'nobody', password: 'x' }), headers: { 'Content-Type': 'application/json' } }, 401],
  ];
  for (const [name, init, expected] of cases) {
    const response = await fetch(`${BASE}/api/session`, { method: 'POST', ...init });
    expect(response.status, name).toBe(expected);
    expect(typeof (await response.json()).error, name).toBe('string');
  }
});

test('keep-alive refuses a malformed report without touching the session: its idle deadline stays where sign-in put it', async () => {
  const seal = await validSeal();
  for (const body of ['{"idleMs":-5}', '{"idleMs":"soon"}', '{"idleMs":1e99}', 'nope']) {
    const response = await fetch(`${BASE}/api/session/keep-alive`, {
      method: 'POST',
      headers: { cookie: `${COOKIE}=${seal}`, 'Content-Type': 'application/json' },
      body,
    });
    expect(response.status, body).toBe(400);
  }
  // Both deadlines come in one answer, so their gap is exact: the absolute lifetime less the idle one while last
  // activity is still the sign-in. Any write since (a malformed report, or a status read that extends) would have narrowed it.
  const after = await statusWith(seal);
  expect(after.code).toBe(200);
  expect(after.body.absoluteExpiresInMs - after.body.idleExpiresInMs).toBe(MAIN_LIFETIMES.absoluteMs - MAIN_LIFETIMES.idleMs);
});
