import 'server-only';
import type { Result } from '../../shared/result';
import { requireRecentAuthentication, type FreshnessRefusal } from '../step-up/reauth';
import { getSession } from '../session/session';
import { recordEnd } from '../events/event-log';
import { listPage, MY_SESSIONS_PAGE_SIZE, type SessionListing } from './session-listing';
import { keepsRecords, sessionStore } from '../stores';

/** The signed-in user's own sessions: the dashboard's list and "Sign out other sessions". */

/** `no-records`: with `SESSION_STORE=cookie` the server keeps no list of sessions to show or end. */
export type MySessionsRefusal = 'no-session' | 'no-records';

/** One page of the signed-in user's active sessions, this one first on its page. */
export async function listMySessions(page: number): Promise<Result<SessionListing, MySessionsRefusal>> {
  const read = await getSession();
  if (!read.ok) return { ok: false, reason: 'no-session' };
  if (!keepsRecords()) return { ok: false, reason: 'no-records' };
  const listing = await listPage((request) => sessionStore().listByUser(read.value.user.username, read.value.now, request), page, MY_SESSIONS_PAGE_SIZE, read.value.session.sessionId);
  return { ok: true, value: { ...listing, sessions: listing.sessions.sort((a, b) => Number(b.current) - Number(a.current)) } };
}

/**
 * Ends every other session of the signed-in user, who must have proved who they are within `SESSION_REAUTH_WITHIN`;
 * their tabs learn `signed-out-elsewhere` at their next request. Returns how many ended.
 */
export async function signOutOtherSessions(): Promise<Result<number, MySessionsRefusal | FreshnessRefusal>> {
  if (!keepsRecords()) {
    const read = await getSession();
    return { ok: false, reason: read.ok ? 'no-records' : 'no-session' };
  }
  const fresh = await requireRecentAuthentication();
  if (!fresh.ok) return fresh;
  const { user, session } = fresh.value;
  const ended = await sessionStore().endOthers(user.username, session.sessionId, 'signed-out-elsewhere', Date.now());
  for (const record of ended) await recordEnd(record, { by: 'user' });
  return { ok: true, value: ended.length };
}
