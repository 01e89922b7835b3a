import 'server-only';
// What the dashboard's "Recent activity" and the administrator's Events view share: events as people read them.
import { z } from 'zod';
import { describeEvent, EVENT_KINDS, type EventKind } from '../../shared/session-events';
import type { Result } from '../../shared/result';
import { printable } from '../../shared/sign-in-input';
import { accountName } from '../sign-in/account-name';
import { getSession } from '../session/session';
import { keepsRecords, sessionStore, type EventFilter } from '../stores';
import type { SessionEvent } from '../stores/event-schema';
import { describeUserAgent } from '../http/user-agent';

export interface EventSummary {
  id: string;
  at: number;
  kind: EventKind;
  username: string;
  /** "Signed out after 30 minutes without activity". */
  text: string;
  /** "Firefox on Linux", when the event names a browser. */
  device?: string;
  address?: string;
  /** Who did it, in words: "the user", "admin (administrator)", "the server", "Example ID (identity provider)". */
  by: string;
}

export interface EventListing {
  events: EventSummary[];
  total: number;
  page: number;
  pages: number;
}

/** How many events the dashboard shows, and the administrator's view a page. */
export const RECENT_EVENTS = 10;
export const EVENTS_PAGE_SIZE = 50;

function byWhom(actor: SessionEvent['actor']): string {
  switch (actor.by) {
    case 'user':
      return 'the user';
    case 'admin':
      return `${actor.username} (administrator)`;
    case 'system':
      return 'the server';
    case 'provider':
      return `${actor.name} (identity provider)`;
  }
}

export function summariseEvent(event: SessionEvent): EventSummary {
  const { details, actor } = event;
  return {
    id: event.id,
    at: event.at,
    kind: event.kind,
    username: event.username,
    text: describeEvent(event.kind, details, actor),
    ...(details.userAgent ? { device: describeUserAgent(details.userAgent) } : {}),
    ...(details.address ? { address: details.address } : {}),
    by: byWhom(actor),
  };
}

/** The signed-in user's latest events, or `no-records` with `SESSION_STORE=cookie` (events go to standard output only). */
export async function listMyRecentEvents(): Promise<Result<EventSummary[], 'no-session' | 'no-records'>> {
  const read = await getSession();
  if (!read.ok) return { ok: false, reason: 'no-session' };
  if (!keepsRecords()) return { ok: false, reason: 'no-records' };
  const page = await sessionStore().listEvents({ username: read.value.user.username }, read.value.now, { offset: 0, limit: RECENT_EVENTS });
  return { ok: true, value: page.events.map(summariseEvent) };
}

// The filter as a GET form sends it: a blank field is no filter, an unknown kind is no filter either, and neither
// is a name no account can have (control characters: Postgres cannot even compare a NUL).
const FilterQuery = z.object({
  user: z.string().trim().max(100).refine(printable).optional().catch(undefined),
  kind: z.enum(EVENT_KINDS).optional().catch(undefined),
});

export function eventFilter(query: Record<string, string | string[] | undefined>): EventFilter {
  const parsed = FilterQuery.parse({ user: query.user, kind: query.kind });
  // Events are written under the account's name (accountName), so "Demo" finds demo's.
  const username = parsed.user ? accountName(parsed.user) : '';
  return { ...(username ? { username } : {}), ...(parsed.kind ? { kind: parsed.kind } : {}) };
}

/**
 * One page of events for `filter`: past the last page, the last. The count comes first, from the index alone, so
 * that a page number typed far past the end (`?page=999999999`) never asks a store to read its way out there:
 * Redis's merge of the shards reads `offset + 50` entries of each.
 */
export async function eventPage(filter: EventFilter, now: number, wanted: number): Promise<EventListing> {
  const store = sessionStore();
  const { total } = await store.listEvents(filter, now, { offset: 0, limit: 0 });
  const pages = Math.max(1, Math.ceil(total / EVENTS_PAGE_SIZE));
  const page = Math.min(wanted, pages);
  const read = await store.listEvents(filter, now, { offset: (page - 1) * EVENTS_PAGE_SIZE, limit: EVENTS_PAGE_SIZE });
  return { events: read.events.map(summariseEvent), total: read.total, page, pages };
}
