import 'server-only';
import type { Result } from '../../shared/result';
import { requireRecentAuthentication, type FreshnessRefusal } from '../step-up/reauth';
import { eventPage, type EventListing } from '../events/event-listing';
import { getSession } from '../session/session';
import { endAndRecord } from '../events/event-log';
import { ALL_SESSIONS_PAGE_SIZE, listPage, type SessionListing } from './session-listing';
import { keepsRecords, sessionStore, type EventFilter } from '../stores';

/**
 * Everyone's sessions, for administrators only: the admin page's list, and ending any one session. Both
 * need an administrator who proved who they are within `SESSION_REAUTH_WITHIN`: an idle administrator's
 * cookie must not be enough to see or end anyone's session.
 */

/** `no-records`: with `SESSION_STORE=cookie` there is no list of everyone's sessions, and nothing to end. */
export type AdminRefusal = FreshnessRefusal | 'forbidden' | 'no-records';

/** The administrator's own session id, or why this request is not a recently confirmed administrator's. */
async function adminSession(): Promise<Result<{ sessionId: string; username: string }, AdminRefusal>> {
  const read = await getSession();
  if (!read.ok) return { ok: false, reason: 'no-session' };
  // The role first: someone who is no administrator is sent away, never asked for a password.
  if (read.value.user.role !== 'admin') return { ok: false, reason: 'forbidden' };
  if (!keepsRecords()) return { ok: false, reason: 'no-records' };
  const fresh = await requireRecentAuthentication();
  return fresh.ok ? { ok: true, value: { sessionId: fresh.value.session.sessionId, username: fresh.value.user.username } } : fresh;
}

/** One page of everyone's active sessions. */
export async function listAllSessions(page: number): Promise<Result<SessionListing, AdminRefusal>> {
  const admin = await adminSession();
  if (!admin.ok) return admin;
  const now = Date.now();
  return { ok: true, value: await listPage((request) => sessionStore().listAll(now, request), page, ALL_SESSIONS_PAGE_SIZE, admin.value.sessionId) };
}

/** One page of everyone's events, filtered by user and kind: behind the same gate as the list of sessions. */
export async function listAllEvents(filter: EventFilter, page: number): Promise<Result<EventListing, AdminRefusal>> {
  const admin = await adminSession();
  if (!admin.ok) return admin;
  return { ok: true, value: await eventPage(filter, Date.now(), page) };
}

/** "End session": ends any one session; its tabs go to the login page with `ended-by-admin` at their next request. */
export async function endSessionAsAdmin(id: string): Promise<Result<undefined, AdminRefusal>> {
  const admin = await adminSession();
  if (!admin.ok) return admin;
  await endAndRecord(id, 'ended-by-admin', Date.now(), { by: 'admin', username: admin.value.username });
  return { ok: true, value: undefined };
}
