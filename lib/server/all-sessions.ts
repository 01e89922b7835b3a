import 'server-only';
import type { Result } from '../shared/result';
import { getSession } from './session';
import { ALL_SESSIONS_PAGE_SIZE, listPage, type SessionListing } from './session-listing';
import { keepsRecords, sessionStore } from './stores';

/** Everyone's sessions, for administrators only: the admin page's list, and ending any one session. */

/** `no-records`: with `SESSION_STORE=cookie` there is no list of everyone's sessions, and nothing to revoke. */
export type AdminRefusal = 'signed-out' | 'forbidden' | 'no-records';

/** The administrator's own session id, or why this request is not an administrator's. */
async function adminSession(): Promise<Result<string, AdminRefusal>> {
  const read = await getSession();
  if (!read.active) return { ok: false, reason: 'signed-out' };
  if (read.user.role !== 'admin') return { ok: false, reason: 'forbidden' };
  return keepsRecords() ? { ok: true, value: read.session.sessionId } : { ok: false, reason: 'no-records' };
}

/** One page of everyone's active sessions. */
export async function listAllSessions(page: number): Promise<Result<SessionListing, AdminRefusal>> {
  const admin = await adminSession();
  if (!admin.ok) return admin;
  const now = Date.now();
  return { ok: true, value: await listPage((request) => sessionStore().listAll(now, request), page, ALL_SESSIONS_PAGE_SIZE, admin.value) };
}

/** Ends any one session; its tabs go to the login page with `revoked` at their next request. */
export async function revokeSession(id: string): Promise<Result<undefined, AdminRefusal>> {
  const admin = await adminSession();
  if (!admin.ok) return admin;
  await sessionStore().end(id, 'revoked', Date.now());
  return { ok: true, value: undefined };
}
