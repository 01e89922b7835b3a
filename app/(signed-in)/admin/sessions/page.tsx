import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { ConfirmPresenceForm } from '@/components/confirm-presence-form';
import { EventList } from '@/components/event-list';
import { SensitiveForm } from '@/components/sensitive-form';
import { SessionList } from '@/components/session-list';
import { SessionPager } from '@/components/session-pager';
import { endSessionAsAdmin } from '@/lib/server/actions';
import { listAllEvents, listAllSessions } from '@/lib/server/lists/all-sessions';
import { eventFilter, type EventListing } from '@/lib/server/events/event-listing';
import type { EventFilter } from '@/lib/server/stores';
import { EVENT_KINDS } from '@/lib/shared/session-events';
import { requireSession } from '@/lib/server/session/session';
import { pageNumber } from '@/lib/server/lists/session-listing';

export const metadata: Metadata = { title: 'Active sessions' };

/** The page's heading and way back, around whichever view it shows. */
function AdminPage({ children }: { children: ReactNode }) {
  return (
    <main className="page">
      <h1>Active sessions</h1>
      <p>
        <Link href="/dashboard">Back to the dashboard</Link>
      </p>
      {children}
    </main>
  );
}

/** `SESSION_STORE=cookie`: the page says why it has no list rather than showing an empty one. */
function NoRecords() {
  return (
    <AdminPage>
      <section className="card" aria-labelledby="all-sessions-heading">
        <h2 id="all-sessions-heading">No list in this mode</h2>
        <p data-testid="no-session-list">
          This server keeps no sessions of its own (SESSION_STORE=cookie): each session lives only in its browser&apos;s sealed
          cookie. So there is no list of who is signed in, and no session can be ended from here; each one ends at its own idle
          or absolute deadline. Run with SESSION_STORE=sqlite or redis to list and revoke sessions.
        </p>
      </section>
      <section className="card" aria-labelledby="events-heading">
        <h2 id="events-heading">Events</h2>
        <p data-testid="no-event-list">
          For the same reason the session events (sign-ins, sign-outs, throttled attempts) are not kept here: each one is written
          as a line of JSON to the server&apos;s standard output, for a log shipper to collect.
        </p>
      </section>
    </AdminPage>
  );
}

type Query = Record<string, string | string[] | undefined>;

/** The two views of the page, as links (they work without JavaScript): the current one is marked for screen readers too. */
function Views({ events }: { events: boolean }) {
  return (
    <nav className="views" aria-label="Views">
      <Link href="/admin/sessions" aria-current={events ? undefined : 'page'} prefetch={false}>
        Sessions
      </Link>
      <Link href="/admin/sessions?view=events" aria-current={events ? 'page' : undefined} prefetch={false}>
        Events
      </Link>
    </nav>
  );
}

/** The query this page was asked with, to come back to after "Confirm it's you". */
function here(query: Query): string {
  const kept = new URLSearchParams();
  for (const name of ['view', 'user', 'kind', 'page']) {
    const value = query[name];
    if (typeof value === 'string' && value !== '') kept.set(name, value.slice(0, 100));
  }
  const search = kept.toString();
  return search ? `/admin/sessions?${search}` : '/admin/sessions';
}

/** Everyone's events (`?view=events`), filtered by a GET form, 50 a page, the newest first. */
function EventsView({ filter, listing, now }: { filter: EventFilter; listing: EventListing; now: number }) {
  const kept = { view: 'events', ...(filter.username ? { user: filter.username } : {}), ...(filter.kind ? { kind: filter.kind } : {}) };
  return (
    <section className="card" aria-labelledby="events-heading">
      <h2 id="events-heading">Events</h2>
      <form method="get" action="/admin/sessions" className="filters" role="search" aria-label="Filter events">
        <input type="hidden" name="view" value="events" />
        <div className="field">
          <label htmlFor="events-user">User</label>
          <input id="events-user" name="user" type="text" defaultValue={filter.username ?? ''} maxLength={100} autoComplete="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="events-kind">Kind</label>
          <select id="events-kind" name="kind" defaultValue={filter.kind ?? ''}>
            <option value="">Any kind</option>
            {EVENT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      <p data-testid="event-total">
        {`${listing.total.toLocaleString('en')} ${listing.total === 1 ? 'event' : 'events'}${filter.username || filter.kind ? ' matching the filter' : ''}, the latest first`}
      </p>
      <EventList events={listing.events} now={now} label="Session events" />
      <SessionPager page={listing.page} pages={listing.pages} path="/admin/sessions" label="Pages of session events" query={kept} />
    </section>
  );
}

/** One page of everyone's sessions (`?page=`), so the page costs the same with ten sessions or ten thousand; or their events. */
export default async function AdminSessionsPage({ searchParams }: { searchParams: Promise<Query> }) {
  const { now } = await requireSession('/admin/sessions');
  const query = await searchParams;
  const events = query.view === 'events';
  const page = pageNumber(query.page);
  const filter = eventFilter(query);
  const all = events ? await listAllEvents(filter, page) : await listAllSessions(page);
  if (!all.ok && all.reason === 'no-records') return <NoRecords />;
  // Only administrators who proved who they are lately: the others are asked first, with nothing listed.
  if (!all.ok && all.reason === 'reauthenticate') {
    return (
      <main className="page">
        <section className="card">
          <ConfirmPresenceForm returnTo={here(query)} cancelTo="/dashboard" headingLevel={1} />
        </section>
      </main>
    );
  }
  // Anyone else goes back to their dashboard.
  if (!all.ok) redirect('/dashboard');
  if ('events' in all.value) {
    return (
      <AdminPage>
        <Views events />
        <EventsView filter={filter} listing={all.value} now={now} />
      </AdminPage>
    );
  }

  const listing = all.value;
  return (
    <AdminPage>
      <Views events={false} />
      <section className="card" aria-labelledby="all-sessions-heading">
        <h2 id="all-sessions-heading">Everyone signed in now ({listing.total.toLocaleString('en')})</h2>
        <SessionList
          sessions={listing.sessions}
          now={now}
          showUser
          label="All active sessions"
          action={(entry) =>
            entry.current ? null : (
              <SensitiveForm action={endSessionAsAdmin} returnTo="/admin/sessions">
                <input type="hidden" name="sessionId" value={entry.id} />
                <button type="submit" className="button" aria-label={`End the session of ${entry.username} on ${entry.device}`}>
                  End session
                </button>
              </SensitiveForm>
            )
          }
        />
        <SessionPager page={listing.page} pages={listing.pages} path="/admin/sessions" label="Pages of all active sessions" />
      </section>
    </AdminPage>
  );
}
