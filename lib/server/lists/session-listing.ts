import 'server-only';
// What both lists of sessions share: the rows as people see them, and paging.
import { z } from 'zod';
import type { PageRequest, SessionPage, SessionRecord } from '../stores';
import { describeUserAgent } from '../http/user-agent';

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

/**
 * One page of a list: past the last page, the last. The count comes first, from the index alone, so that a page
 * number typed far past the end (`?page=999999999`) never asks a store to read its way out there: Redis's merge of
 * the shards reads `offset + size` entries of each. (The Events view pages the same way: events/event-listing.ts.) The first
 * page, which every dashboard shows, exists whatever the count: it is read at once, one store call.
 */
export async function listPage(list: (page: PageRequest) => Promise<SessionPage>, wanted: number, size: number, currentId: string): Promise<SessionListing> {
  const last = wanted === 1 ? 1 : Math.max(1, Math.ceil((await list({ offset: 0, limit: 0 })).total / size));
  let page = Math.min(wanted, last);
  let read = await list({ offset: (page - 1) * size, limit: size });
  const pages = Math.max(1, Math.ceil(read.total / size));
  // Sessions ended between the count and the read, so this page is past the end now: the last one, read again.
  if (page > pages) read = await list({ offset: ((page = pages) - 1) * size, limit: size });
  return { sessions: read.records.map((record) => summarise(record, currentId)), total: read.total, page, pages };
}
