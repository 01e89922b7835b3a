import 'server-only';
import type { Ok, Refused } from '../../shared/result';
import { RESERVATION_HOLD_MS } from '../stores/types';
import type { AttemptStore } from '../stores';

/** A throttle key and how many failures it may have in one window. */
export interface Limit {
  key: string;
  max: number;
}

/** An attempt that may check its password; tell the throttle how it ended. */
export interface Admitted {
  /**
   * Until when its reservations count (`RESERVATION_HOLD_MS`). A check that ends later may have been overtaken: once
   * they lapsed, other attempts were let in on their room. Its result is then not to be given.
   */
  heldUntil: number;
  /** Every reservation stays counted, as a failure. */
  failed(): Promise<void>;
  /** No reservation counts any more, and the first key's failures are forgotten (the username's, or the device's). */
  succeeded(): Promise<void>;
  /** No reservation counts any more: the check could not be made. */
  withdraw(): Promise<void>;
}

/** `refusedBy`: the keys whose limit refused the attempt. */
export type Admission = Ok<Admitted> | Refused<'throttled', { retryAfterS: number; refusedBy: string[] }>;

/**
 * How long an attempt waits for the ones ahead of it to finish their password checks before it is
 * refused: far longer than a check takes, far shorter than any window.
 */
const WAIT_MS = 5_000;
// Jittered, so the attempts that wait do not all try again at the same moment.
const pause = () => new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 40));

/**
 * Reserves one attempt under every key before the password is checked, so attempts that arrive
 * together cannot all slip through while the first ones are still hashing.
 *
 * A key whose window holds `max` failures refuses at once. A key that has room for failures but not
 * for every attempt in flight makes the attempt wait and try again: the ones ahead of it may well
 * succeed, so the right password sent many times at once still signs in each time, while fifty wrong
 * ones sent at once get exactly `max` checks. A refused or waiting attempt releases every reservation it
 * made, so it uses up the budget of no key, neither the one that refused nor the others.
 */
export async function admitAttempt(store: AttemptStore, limits: readonly Limit[], windowMs: number): Promise<Admission> {
  const giveUpAt = Date.now() + WAIT_MS;
  for (;;) {
    const now = Date.now();
    const reserved = await Promise.all(limits.map(async (limit) => ({ ...limit, ...(await store.reserveAttempt(limit.key, windowMs, now)) })));
    const releaseAll = (forgetFirst = false) =>
      Promise.all(reserved.map((key, i) => store.releaseAttempt(key.key, key.resetAt, forgetFirst && i === 0))).then(() => undefined);

    const locked = reserved.filter((key) => key.failures >= key.max);
    // Attempts that stay in flight past the wait are as good as failures: the lock lasts to the window's end.
    const full = Date.now() >= giveUpAt ? reserved.filter((key) => key.count > key.max) : [];
    const refusing = [...locked, ...full];
    if (refusing.length > 0) {
      await releaseAll();
      const until = Math.max(...refusing.map((key) => key.resetAt));
      return { ok: false, reason: 'throttled', retryAfterS: Math.max(1, Math.ceil((until - Date.now()) / 1000)), refusedBy: refusing.map((key) => key.key) };
    }
    if (reserved.every((key) => key.count <= key.max)) {
      const admitted: Admitted = {
        heldUntil: now + RESERVATION_HOLD_MS,
        failed: () => Promise.all(reserved.map((key) => store.failAttempt(key.key, key.resetAt))).then(() => undefined),
        succeeded: () => releaseAll(true),
        withdraw: () => releaseAll(),
      };
      return { ok: true, value: admitted };
    }
    await releaseAll();
    await pause();
  }
}
