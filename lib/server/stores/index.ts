import 'server-only';
import { config } from '../config';
import { MemoryAttemptStore } from './memory-attempts';
import { openStore, STORES } from './registry';
import type { AttemptStore, SessionStore } from './types';

export { StoreUnavailableError, type AttemptStore, type EndReason, type EventFilter, type EventPage, type PageRequest, type ProviderLink, type ProviderMatch, type SessionKey, type SessionPage, type SessionRecord, type SessionStore } from './types';

// One store per process, kept on globalThis: Next bundles route handlers and pages separately, and
// each bundle would otherwise open its own database or Redis connection.
const slot = globalThis as typeof globalThis & { __sessionStore?: { store: SessionStore; purgedAt: number }; __attemptStore?: AttemptStore };

/** Whether sessions have records on the server: not with `SESSION_STORE=cookie`, where the cookie is all there is. */
export function keepsRecords(): boolean {
  return STORES[config().store.kind].keepsRecords;
}

export function sessionStore(): SessionStore {
  if (!slot.__sessionStore) {
    const store = openStore(config().store, { eventsRetentionMs: config().eventsRetentionMs });
    if (!store) throw new Error(`SESSION_STORE=${config().store.kind} keeps no session records: ask keepsRecords() first`);
    slot.__sessionStore = { store, purgedAt: 0 };
  }
  return slot.__sessionStore.store;
}

/** Where sign-in attempts are counted: the session store, or this process when there is none. */
export function attemptStore(): AttemptStore {
  if (keepsRecords()) return sessionStore();
  const { maxFailuresPerUser, maxFailuresPerAddress } = config().throttle;
  slot.__attemptStore ??= new MemoryAttemptStore(Math.min(maxFailuresPerUser, maxFailuresPerAddress));
  return slot.__attemptStore;
}

/** Makes `store` the process's store: for tests that wrap a real store to time its steps. */
export function provideSessionStore(store: SessionStore): void {
  slot.__sessionStore = { store, purgedAt: Date.now() };
}

/**
 * The store, if its clean-up is due (`everyMs` since the last one): the caller sweeps it (session/sweep.ts), and
 * nobody else in this process does until the next is due. A store opened in this process is due at once; one a
 * test provided is not, until `everyMs` has passed.
 */
export function claimSweep(now: number, everyMs: number): SessionStore | undefined {
  if (!keepsRecords()) return undefined;
  sessionStore();
  const held = slot.__sessionStore;
  if (!held || now - held.purgedAt < everyMs) return undefined;
  held.purgedAt = now;
  return held.store;
}
