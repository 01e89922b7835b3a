import { expect, test } from '@playwright/test';
import { appPort, startApp } from '../test-support/app-server';
import { sessionCookie } from './fixtures';
import { dbPath, TEST_SECRET } from '../test-support/servers';

const NEW_SECRET = 'the-next-secret-after-rotation-0123456789abcdef';

async function call(base: string, cookie: string, path = '/api/session', method = 'GET') {
  const response = await fetch(`${base}${path}`, { method, headers: { cookie } });
  const renewed = response.headers.getSetCookie()[0]?.split(';')[0];
  return { code: response.status, body: (await response.json()) as { reason?: string }, renewed };
}

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test('after a restart, signed-in users stay signed in and ended sessions stay ended', async () => {
  const env = { SESSION_DB_PATH: dbPath('restart') };
  let app = await startApp(appPort(5), env);
  const alive = await sessionCookie(app.url);
  const signedOut = await sessionCookie(app.url);
  expect((await call(app.url, signedOut, '/api/session', 'DELETE')).code).toBe(200);
  await app.stop();

  app = await startApp(appPort(5), env);
  try {
    expect((await call(app.url, alive)).code).toBe(200);
    expect((await call(app.url, alive, '/api/session/keep-alive', 'POST')).code).toBe(200);
    expect(await call(app.url, signedOut)).toMatchObject({ code: 401, body: { reason: 'signed-out' } });
  } finally {
    await app.stop();
  }
});

test('rotating the secret: old cookies keep working and are resealed with the new secret at the next keep-alive', async () => {
  const db = { SESSION_DB_PATH: dbPath('rotation') };
  let app = await startApp(appPort(6), db);
  const old = await sessionCookie(app.url);
  await app.stop();

  // New secret, old one kept as SESSION_SECRET_PREVIOUS.
  app = await startApp(appPort(6), { ...db, SESSION_SECRET: NEW_SECRET, SESSION_SECRET_PREVIOUS: TEST_SECRET });
  let resealed: string | undefined;
  try {
    expect((await call(app.url, old)).code).toBe(200);
    const kept = await call(app.url, old, '/api/session/keep-alive', 'POST');
    expect(kept.code).toBe(200);
    resealed = kept.renewed;
    expect(resealed).toBeDefined();
    expect(resealed).not.toBe(old);
    expect((await call(app.url, resealed ?? '')).code).toBe(200);
  } finally {
    await app.stop();
  }

  // The previous secret retired: the resealed cookie still works, one sealed with the retired secret does not.
  app = await startApp(appPort(6), { ...db, SESSION_SECRET: NEW_SECRET });
  try {
    expect((await call(app.url, resealed ?? '')).code).toBe(200);
    expect(await call(app.url, old)).toMatchObject({ code: 401, body: { reason: 'invalid' } });
  } finally {
    await app.stop();
  }
});
