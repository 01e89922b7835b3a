import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ConfirmPresenceForm } from '@/components/confirm-presence-form';
import { SensitiveForm } from '@/components/sensitive-form';
import { SessionList } from '@/components/session-list';
import { SessionPager } from '@/components/session-pager';
import { endSessionAsAdmin } from '@/lib/server/actions';
import { listAllSessions } from '@/lib/server/all-sessions';
import { requireSession } from '@/lib/server/session';
import { pageNumber } from '@/lib/server/session-listing';

export const metadata: Metadata = { title: 'Active sessions' };

/** `SESSION_STORE=cookie`: the page says why it has no list rather than showing an empty one. */
function NoRecords() {
  return (
    <main className="page">
      <h1>Active sessions</h1>
      <p>
        <Link href="/dashboard">Back to the dashboard</Link>
      </p>
      <section className="card" aria-labelledby="all-sessions-heading">
        <h2 id="all-sessions-heading">No list in this mode</h2>
        <p data-testid="no-session-list">
          This server keeps no sessions of its own (SESSION_STORE=cookie): each session lives only in its browser&apos;s sealed
          cookie. So there is no list of who is signed in, and no session can be ended from here; each one ends at its own idle
          or absolute deadline. Run with SESSION_STORE=sqlite or redis to list and revoke sessions.
        </p>
      </section>
    </main>
  );
}

/** One page of everyone's sessions (`?page=`), so the page costs the same with ten sessions or ten thousand. */
export default async function AdminSessionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { now } = await requireSession('/admin/sessions');
  const page = pageNumber((await searchParams).page);
  const all = await listAllSessions(page);
  if (!all.ok && all.reason === 'no-records') return <NoRecords />;
  // Only administrators who proved who they are lately: the others are asked first, with nothing listed.
  if (!all.ok && all.reason === 'reauthenticate') {
    return (
      <main className="page">
        <section className="card">
          <ConfirmPresenceForm returnTo={page > 1 ? `/admin/sessions?page=${page}` : '/admin/sessions'} cancelTo="/dashboard" headingLevel={1} />
        </section>
      </main>
    );
  }
  // Anyone else goes back to their dashboard.
  if (!all.ok) redirect('/dashboard');
  const listing = all.value;

  return (
    <main className="page">
        <h1>Active sessions</h1>
        <p>
          <Link href="/dashboard">Back to the dashboard</Link>
        </p>
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
    </main>
  );
}
