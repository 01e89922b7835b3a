import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { jar } from '../../../test-support/cookie-jar';
import { DEMO } from '../../../test-support/demo-accounts';
import { RedisSessionStore } from '../stores/redis';
import { SqliteSessionStore } from '../stores/sqlite';
import { openPostgresStore } from '../../../test-support/postgres-store';
import type { SessionStore } from '../stores/types';

vi.mock('next/headers', () => import('../../../test-support/cookie-jar'));

const SECRET = 'unit-test-secret-for-re-authentication-0123456';
const MAX_PER_USER = 5;
const dir = mkdtempSync(join(tmpdir(), 'reauth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let reauth: typeof import('./reauth');
let signIn: typeof import('../sign-in/sign-in');
let provideSessionStore: typeof import('../stores').provideSessionStore;
beforeAll(async () => {
  Object.assign(process.env, { SESSION_SECRET: SECRET, SIGN_IN_MAX_FAILURES_PER_USER: String(MAX_PER_USER), SIGN_IN_MAX_FAILURES_PER_ADDRESS: '1000' });
  reauth = await import('./reauth');
  signIn = await import('../sign-in/sign-in');
  ({ provideSessionStore } = await import('../stores'));
});

const stores: Array<[string, () => SessionStore]> = [
  ['sqlite', () => new SqliteSessionStore(join(dir, `${randomUUID()}.db`))],
  ['redis', () => new RedisSessionStore(`${inject('redisUrl')}/7`)],
  ['postgres', () => openPostgresStore()],
];

/** The key's count and failures as they stand: one more reservation shows them, and is released again. */
async function counted(store: SessionStore, key: string) {
  const { count, failures, resetAt } = await store.reserveAttempt(key, 15 * 60_000, Date.now());
  await store.releaseAttempt(key, resetAt);
  return { count: count - 1, failures };
}

describe.each(stores)('50 re-authentications at once on %s', (_name, open) => {
  it('leave the throttle\'s counts exact, the session the same one, and its absolute deadline where it was', { timeout: 60_000 }, async () => {
    const store = open();
    provideSessionStore(store);
    jar.clear();
    const address = `10.50.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const client = { address, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };
    const signedIn = await signIn.attemptSignIn({ username: DEMO.username, password: DEMO.password, remember: false }, client);
    expect(signedIn.ok).toBe(true);
    // Counted under the username, not a trusted browser's cookie: the key anyone can lock.
    for (const name of [...jar.keys()]) if (name.includes('device')) jar.delete(name);
    const before = (await store.listByUser(DEMO.username, Date.now(), { offset: 0, limit: 100 })).records;
    const session = before.find((record) => record.userAgent === client.userAgent && record.createdAt === Math.max(...before.map((r) => r.createdAt)));
    if (!session) throw new Error('no session');

    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => reauth.confirmPresence(i % 2 === 0 ? DEMO.password : `wrong-${i}`, client)),
    );
    const kinds = outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.reason));
    const wrong = kinds.filter((kind, i) => i % 2 === 1 && kind === 'invalid-credentials').length;
    // Every wrong password is either checked and counted, or refused before any check; never let through.
    expect(kinds.filter((kind, i) => i % 2 === 1 && kind === 'ok')).toEqual([]);
    expect(kinds.filter((kind) => kind === 'no-session')).toEqual([]);
    expect(wrong).toBeGreaterThan(0);
    // No reservation is left behind: the address counts exactly the wrong passwords checked, as failures that stay.
    expect(await counted(store, `addr:${address}`)).toEqual({ count: wrong, failures: wrong });
    // The username's: nothing in flight, never past the limit (a success forgets the failures before it).
    const user = await counted(store, 'user:demo');
    expect(user.count).toBe(user.failures);
    expect(user.failures).toBeLessThanOrEqual(MAX_PER_USER);

    const after = await store.get(session.id);
    expect(after).toMatchObject({ id: session.id, createdAt: session.createdAt });
    expect(after?.endReason).toBeUndefined();
    expect(after?.expiresAt).toBeLessThanOrEqual(session.createdAt + 12 * 3_600_000);
    if (kinds.includes('ok')) expect(after?.authenticatedAt).toBeGreaterThan(session.authenticatedAt);
    await store.close();
  });
});
