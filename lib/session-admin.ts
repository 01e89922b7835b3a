import 'server-only';
import { getSession } from './session';
import { sessionStore, type SessionRecord } from './session-store';
import { describeUserAgent } from './user-agent';

export interface SessionSummary {
  id: string;
  username: string;
  role: SessionRecord['role'];
  device: string;
  createdAt: number;
  lastActivityAt: number;
  current: boolean;
}

function summarise(record: SessionRecord, currentId: string | undefined): SessionSummary {
  return {
    id: record.id,
    username: record.username,
    role: record.role,
    device: describeUserAgent(record.userAgent),
    createdAt: record.createdAt,
    lastActivityAt: record.lastActivityAt,
    current: record.id === currentId,
  };
}

/** The signed-in user's active sessions, this one first; `undefined` when nobody is signed in. */
export async function listMySessions(): Promise<SessionSummary[] | undefined> {
  const read = await getSession();
  if (!read.active) return undefined;
  const records = await sessionStore().listByUser(read.user.username, read.now);
  const summaries = records.map((record) => summarise(record, read.session.sid));
  return summaries.sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends every other session of the signed-in user; their tabs learn `revoked` at their next request. */
export async function endMyOtherSessions(): Promise<number | undefined> {
  const read = await getSession();
  if (!read.active) return undefined;
  return sessionStore().endOthers(read.user.username, read.session.sid, 'revoked', read.now);
}

export type AdminAccess = { ok: true; currentId: string } | { ok: false; reason: 'signed-out' | 'forbidden' };

export async function adminAccess(): Promise<AdminAccess> {
  const read = await getSession();
  if (!read.active) return { ok: false, reason: 'signed-out' };
  return read.user.role === 'admin' ? { ok: true, currentId: read.session.sid } : { ok: false, reason: 'forbidden' };
}

/** Every active session, for administrators only. */
export async function listAllSessions(): Promise<SessionSummary[] | AdminAccess> {
  const access = await adminAccess();
  if (!access.ok) return access;
  return (await sessionStore().listAll(Date.now())).map((record) => summarise(record, access.currentId));
}

/** Ends any one session, for administrators only. */
export async function revokeSession(id: string): Promise<AdminAccess> {
  const access = await adminAccess();
  if (access.ok) await sessionStore().end(id, 'revoked', Date.now());
  return access;
}
