import 'server-only';
import type { Result } from '../../shared/result';
import { deadlinePassed } from '../../shared/session-policy';
import type { NoSessionReason } from '../../shared/session-status';
import { config } from '../config';
import { endAndRecord, recordEnd } from '../events/event-log';
import { sessionStore, type SessionRecord } from '../stores';
import type { CookieSession } from './seal';

/**
 * Settling: the one step by which reading a session may write. A record whose time is up is ended, and its event
 * written, by whichever request (or the sweep) finds it first; every other finds it ended. A status check or a
 * page's render that reads a lapsed record therefore ends it: a page's own sign-out at the deadline finds it ended
 * already, and the event is `idle` (or `absolute`), never `signed-out`.
 */

/** A record judged at a moment: active, or why it ended. */
export type Judged = Result<SessionRecord, NoSessionReason>;

/**
 * Whether the record's time is up at `now`: by its deadlines under the lifetimes in force, or by the expiry the
 * store holds, which it set at the last keep-alive and by which it lists and refuses to touch the record.
 */
function lapsed(record: SessionRecord, now: number): 'idle' | 'absolute' | null {
  return deadlinePassed(record, now, config().policy) ?? (record.expiresAt <= now ? 'idle' : null);
}

/** The record as the store returned it, judged at `now`: active, or why it ended, settling it if its time is up. */
export async function judgeRecord(record: SessionRecord | undefined, cookie: CookieSession, now: number): Promise<Judged> {
  if (!record || record.username !== cookie.username) return { ok: false, reason: 'invalid' };
  if (record.endReason) return { ok: false, reason: record.endReason };
  const ended = lapsed(record, now);
  if (!ended) return { ok: true, value: record };
  return settleLapsed(record, ended, now);
}

/**
 * A record whose time is up at `now`: ends it and writes its event, once, whoever gets there first (this request,
 * another, or the sweep). A record whose expiry is still ahead but whose deadline under the lifetimes in force has
 * passed (a lifetime shortened since) ends now. Otherwise the store's `lapse` ends it at its own expiry, only while
 * nothing has ended or extended it; when it ends nothing, the record as it now is decides, since another request,
 * in this process or another, may have ended it or kept it alive after this one read it.
 */
async function settleLapsed(record: SessionRecord, reason: 'idle' | 'absolute', now: number): Promise<Judged> {
  const store = sessionStore();
  if (record.expiresAt > now) {
    const after = await endAndRecord(record.id, reason, now, { by: 'system' }, record.username);
    return { ok: false, reason: after?.endReason ?? reason };
  }
  const ended = await store.lapse(record.id, record.username, now, config().policy.absoluteMs);
  if (ended) {
    await recordEnd(ended);
    return { ok: false, reason: ended.endReason ?? reason };
  }
  const current = await store.get(record.id, record.username);
  if (!current || current.endReason) return { ok: false, reason: current?.endReason ?? reason };
  const still = lapsed(current, now);
  if (!still) return { ok: true, value: current };
  // Kept alive, but not as far as the lifetimes in force allow (by an instance with longer ones). An expiry only
  // moves forward and `lapse` found this one ahead of now, so this call ends it by the first branch.
  return settleLapsed(current, still, now);
}
