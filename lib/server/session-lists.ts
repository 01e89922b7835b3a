import 'server-only';
import { z } from 'zod';
import { getSession } from './session';
import { sessionStore, type PageRequest, type SessionPage, type SessionRecord } from './stores';
import { describeUserAgent } from './user-agent';

export interface SessionSummary {
  id: string;
  username: string;
  role: SessionRecord['role'];
  device: string;
  createdAt: number;
  lastActivityAt: number;
  expiresAt: number;
  current: boolean;
}

/** One page of a list of sessions: `page` of `pages` (1-based), and how many sessions the list holds. */
export interface SessionListing {
  sessions: SessionSummary[];
  total: number;
  page: number;
  pages: number;
}

/** Rows per page: the dashboard's list is short (the cap keeps it so), the administrators' one long. */
export const MY_SESSIONS_PAGE_SIZE = 10;
export const ALL_SESSIONS_PAGE_SIZE = 50;

// `?page=` as typed in the address bar: a whole number from 1, or else the first page. Past the last page the last one shows.
const PageNumber = z.string().regex(/^[1-9]\d{0,8}$/).transform(Number);

export function pageNumber(value: string | string[] | undefined): number {
  const parsed = PageNumber.safeParse(value);
  return parsed.success ? parsed.data : 1;
}

function summarise(record: SessionRecord, currentId: string | undefined): SessionSummary {
  return {
    id: record.id,
    username: record.username,
    role: record.role,
    device: describeUserAgent(record.userAgent),
    createdAt: record.createdAt,
    lastActivityAt: record.lastActivityAt,
    expiresAt: record.expiresAt,
    current: record.id === currentId,
  };
}

async function listPage(list: (page: PageRequest) => Promise<SessionPage>, wanted: number, size: number, currentId: string): Promise<SessionListing> {
  let read = await list({ offset: (wanted - 1) * size, limit: size });
  const pages = Math.max(1, Math.ceil(read.total / size));
  const page = Math.min(wanted, pages);
  if (page !== wanted) read = await list({ offset: (page - 1) * size, limit: size });
  return { sessions: read.records.map((record) => summarise(record, currentId)), total: read.total, page, pages };
}

/** One page of the signed-in user's active sessions, this one first on its page; `undefined` when nobody is signed in. */
export async function listMySessions(page: number): Promise<SessionListing | undefined> {
  const read = await getSession();
  if (!read.active) return undefined;
  const listing = await listPage((request) => sessionStore().listByUser(read.user.username, read.now, request), page, MY_SESSIONS_PAGE_SIZE, read.session.sid);
  return { ...listing, sessions: listing.sessions.sort((a, b) => Number(b.current) - Number(a.current)) };
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

/** One page of everyone's active sessions, for administrators only. */
export async function listAllSessions(page: number): Promise<SessionListing | AdminAccess> {
  const access = await adminAccess();
  if (!access.ok) return access;
  const now = Date.now();
  return listPage((request) => sessionStore().listAll(now, request), page, ALL_SESSIONS_PAGE_SIZE, access.currentId);
}

/** Ends any one session, for administrators only. */
export async function revokeSession(id: string): Promise<AdminAccess> {
  const access = await adminAccess();
  if (access.ok) await sessionStore().end(id, 'revoked', Date.now());
  return access;
}
