import 'server-only';
import { config } from '../config';
import { RedisSessionStore } from './redis';
import { SqliteSessionStore } from './sqlite';
import type { SessionStore } from './types';

export { StoreUnavailableError, type EndReason, type PageRequest, type SessionPage, type SessionRecord, type SessionStore } from './types';

const PURGE_EVERY_MS = 5 * 60_000;

// One store per process, kept on globalThis: Next bundles route handlers and pages separately, and
// each bundle would otherwise open its own database or Redis connection.
const slot = globalThis as typeof globalThis & { __sessionStore?: { store: SessionStore; purgedAt: number } };

export function sessionStore(): SessionStore {
  if (!slot.__sessionStore) {
    const settings = config().store;
    const store = settings.kind === 'redis' ? new RedisSessionStore(settings.url) : new SqliteSessionStore(settings.path);
    slot.__sessionStore = { store, purgedAt: 0 };
  }
  return slot.__sessionStore.store;
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
