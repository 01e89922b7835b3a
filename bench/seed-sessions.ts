import { hash, randomUUID } from 'node:crypto';
import { TEST_SECRET } from '../test-support/servers';
import { seal, sealSession } from '../lib/server/session/seal';
import { PostgresSessionStore } from '../lib/server/stores/postgres';
import type { SessionStore } from '../lib/server/stores/types';
import type { SignedIn } from './support';

const HOUR = 3_600_000;

/** The Postgres store in `schema` as a bench app opens it with the defaults (SESSION_DB_POOL_SIZE, SESSION_DB_STATEMENT_TIMEOUT). */
export const benchPostgresStore = (url: string, schema: string) => new PostgresSessionStore({ url, schema, poolSize: 10, statementTimeoutMs: 2_000 });

/**
 * Writes `count` active sessions of `demo` straight into the store, as sign-in would, and seals cookies
 * for the first `inUse` of them with the bench servers' secret, then closes the store. Each comes with the tag its status answers
 * carry (`toStatus` in lib/server/session/session.ts), so every answer can be checked to be that very session.
 */
export async function seedSessions(store: SessionStore, count: number, inUse = count): Promise<SignedIn[]> {
  const now = Date.now();
  const sessions: SignedIn[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = randomUUID();
    // All one user's (the requests need a real account), so the cap on sessions per user is lifted.
    await store.create({ id, username: 'demo', role: 'user', createdAt: now, lastActivityAt: now, authenticatedAt: now, expiresAt: now + HOUR, remember: false, userAgent: 'bench' }, Infinity);
    if (i < inUse) {
      const value = await seal({ v: 2, sid: id, sub: 'demo', role: 'user', createdAt: now, remember: false }, { current: TEST_SECRET }, 12 * 3600);
      sessions.push({ cookie: `__Host-session=${value}`, identity: `demo:${hash('sha256', id, 'base64url').slice(0, 16)}` });
    }
  }
  await store.close();
  return sessions;
}

/**
 * `count` signed-in cookies of `demo` for `SESSION_STORE=cookie`, where the seal is the whole session: each
 * carries its last activity, as sign-in seals it, and names a session of its own for the tag its answers carry.
 */
export async function sealStatelessSessions(count: number): Promise<SignedIn[]> {
  const now = Date.now();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const sessionId = randomUUID();
      const value = await sealSession({ sessionId, username: 'demo', role: 'user', createdAt: now, remember: false, lastActivityAt: now }, { current: TEST_SECRET }, 12 * 3600);
      return { cookie: `__Host-session=${value}`, identity: `demo:${hash('sha256', sessionId, 'base64url').slice(0, 16)}` };
    }),
  );
}

/** One administrator's session in the store, and its cookie: the admin page's reader. */
export async function seedAdmin(store: SessionStore): Promise<string> {
  const now = Date.now();
  const id = randomUUID();
  await store.create({ id, username: 'admin', role: 'admin', createdAt: now, lastActivityAt: now, authenticatedAt: now, expiresAt: now + 8 * HOUR, remember: false, userAgent: 'bench' }, 1);
  return `__Host-session=${await seal({ v: 2, sid: id, sub: 'admin', role: 'admin', createdAt: now, remember: false }, { current: TEST_SECRET }, 12 * 3600)}`;
}
