import 'server-only';
import { config } from '../config';
import { MemoryAttemptStore } from './memory-attempts';
import { RedisSessionStore } from './redis';
import { SqliteSessionStore } from './sqlite';
import type { AttemptStore, SessionStore } from './types';

export { StoreUnavailableError, type AttemptStore, type EndReason, type PageRequest, type SessionPage, type SessionRecord, type SessionStore } from './types';

const PURGE_EVERY_MS = 5 * 60_000;

// One store per process, kept on globalThis: Next bundles route handlers and pages separately, and
// each bundle would otherwise open its own database or Redis connection.
const slot = globalThis as typeof globalThis & { __sessionStore?: { store: SessionStore; purgedAt: number }; __attemptStore?: AttemptStore };

/** Whether sessions have records on the server: not with `SESSION_STORE=cookie`, where the cookie is all there is. */
export function keepsRecords(): boolean {
  return config().store.kind !== 'cookie';
}

export function sessionStore(): SessionStore {
  if (!slot.__sessionStore) {
    const settings = config().store;
    if (settings.kind === 'cookie') throw new Error('SESSION_STORE=cookie keeps no session records: ask keepsRecords() first');
    const store = settings.kind === 'redis' ? new RedisSessionStore(settings, { prefix: settings.prefix }) : new SqliteSessionStore(settings.path);
    slot.__sessionStore = { store, purgedAt: 0 };
  }
  return slot.__sessionStore.store;
}

/** Where sign-in attempts are counted: the session store, or this process when there is none. */
export function attemptStore(): AttemptStore {
  if (keepsRecords()) return sessionStore();
  slot.__attemptStore ??= new MemoryAttemptStore();
  return slot.__attemptStore;
}

/** Makes `store` the process's store: for tests that wrap a real store to time its steps. */
export function provideSessionStore(store: SessionStore): void {
  slot.__sessionStore = { store, purgedAt: Date.now() };
}

/** Cleans up expired records from inside the app, at most every few minutes, so nobody needs a cron job. */
export function purgeNowAndThen(now: number): void {
  const held = slot.__sessionStore;
  if (!held || now - held.purgedAt < PURGE_EVERY_MS) return;
  held.purgedAt = now;
  held.store.purgeExpired(now).catch((error: unknown) => console.warn('Could not purge expired sessions', error));
}
