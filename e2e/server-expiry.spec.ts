import { expect, test } from '@playwright/test';
import { DEMO, sessionCookie } from './fixtures';
import { signInOverHttp } from '../test-support/sign-in';
import { SHORT_LIFETIMES, urlOf } from '../test-support/servers';

// These run against the `short` server (lifetimes of seconds) with plain HTTP and a cookie kept by
// hand: no browser, no client timer, no cookie expiry. Only the server can end these sessions, and the
// waits are real because the server's clock is.
const BASE = urlOf('short');
const { idleMs: IDLE_MS, absoluteMs: ABSOLUTE_MS } = SHORT_LIFETIMES;
// Real waits of up to the absolute lifetime and a second.
test.describe.configure({ timeout: ABSOLUTE_MS + 20_000 });

async function call(cookie: string, path = '/api/session', method = 'GET') {
  const response = await fetch(`${BASE}${path}`, { method, headers: { cookie } });
  // A keep-alive moves the server-side record; it sets the cookie again only when it must (persistent cookie, rotated secret).
  const renewed = response.headers.getSetCookie()[0]?.split(';')[0];
  return {
    code: response.status,
    body: (await response.json()) as { reason?: string; idleExpiresInMs?: number },
    cookie: renewed && !renewed.endsWith('=') ? renewed : cookie,
  };
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

test('the server rejects an idle cookie at its idle deadline, to within 0.5 s, and reading the status never moves it', async () => {
  const sentAt = Date.now();
  const answer = await signInOverHttp(BASE, DEMO);
  const receivedAt = Date.now();
  const cookie = answer.cookie ?? '';
  expect((answer.body as { idleExpiresInMs: number }).idleExpiresInMs).toBe(IDLE_MS);
  // The deadline lies within [sent + left, received + left] of every answer: the fastest answers pin it down,
  // and answers that disagree (a read that moved it) leave no such moment.
  let earliest = sentAt + IDLE_MS;
  let latest = receivedAt + IDLE_MS;
  while (Date.now() < earliest - 750) {
    const sent = Date.now();
    const status = await call(cookie);
    expect(status.code).toBe(200);
    earliest = Math.max(earliest, sent + (status.body.idleExpiresInMs ?? 0));
    latest = Math.min(latest, Date.now() + (status.body.idleExpiresInMs ?? 0));
    expect(earliest, 'every status answer names the same deadline').toBeLessThanOrEqual(latest);
    await sleepUntil(Date.now() + 250);
  }
  await sleepUntil(earliest - 500);
  expect((await call(cookie)).code, 'half a second before the deadline').toBe(200);
  await sleepUntil(latest + 250);
  const ended = await call(cookie);
  expect(ended.code, 'a quarter of a second after it').toBe(401);
  expect(ended.body).toEqual({ authenticated: false, reason: 'idle' });
  // The same cookie stays rejected, and keep-alive cannot revive it.
  expect((await call(cookie, '/api/session/keep-alive', 'POST')).body.reason).toBe('idle');
});

test('keep-alive slides the idle deadline but never past the absolute one', async () => {
  const session = { cookie: await sessionCookie(BASE), at: Date.now() };
  // Halfway to the idle deadline: the one the keep-alive sets is well past it.
  await sleepUntil(session.at + IDLE_MS / 2);
  const first = await call(session.cookie, '/api/session/keep-alive', 'POST');
  expect(first.code).toBe(200);
  // Past the first idle deadline: alive thanks to the keep-alive. The record moved, not the cookie, so
  // every copy of the cookie names the same, extended session.
  await sleepUntil(session.at + IDLE_MS + 1_000);
  expect((await call(first.cookie)).code).toBe(200);
  expect(first.cookie).toBe(session.cookie);
  const second = await call(first.cookie, '/api/session/keep-alive', 'POST');
  expect(second.code).toBe(200);
  // The idle deadline would now be two idle lifetimes and a second after sign-in, past the absolute one, which wins.
  expect(ABSOLUTE_MS).toBeLessThan(2 * IDLE_MS + 1_000);
  await sleepUntil(session.at + ABSOLUTE_MS + 500);
  const ended = await call(second.cookie);
  expect(ended.code).toBe(401);
  expect(ended.body).toEqual({ authenticated: false, reason: 'absolute' });
});

test('an ended session answers 401 and clears the cookie', async () => {
  const session = { cookie: await sessionCookie(BASE), at: Date.now() };
  await sleepUntil(session.at + IDLE_MS + 200);
  const response = await fetch(`${BASE}/api/session`, { headers: { cookie: session.cookie } });
  expect(response.status).toBe(401);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.getSetCookie().join()).toMatch(/Max-Age=0/);
});
