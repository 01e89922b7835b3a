import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { SessionTimeout } from '@/components/session-timeout';
import { SessionList } from '@/components/session-list';
import { SignOutButton } from '@/components/sign-out-button';
import { endSessionAsAdmin } from '@/lib/session-actions';
import { listAllSessions } from '@/lib/session-admin';
import { requireSession, toStatus } from '@/lib/session';

export const metadata: Metadata = { title: 'Active sessions' };

/** The most recently active sessions shown; the heading still counts them all. */
const SHOWN = 500;

export default async function AdminSessionsPage() {
  const { session, now } = await requireSession('/admin/sessions');
  const sessions = await listAllSessions();
  // Only administrators: anyone else goes back to their dashboard.
  if (!Array.isArray(sessions)) redirect('/dashboard');

  return (
    <SessionTimeout status={toStatus(session, now)}>
      <header className="topbar">
        <span className="topbar__title">Session timeout, done right</span>
        <SignOutButton username={session.sub} />
      </header>
      <main className="page">
        <h1>Active sessions</h1>
        <p>
          <Link href="/dashboard">Back to the dashboard</Link>
        </p>
        <section className="card" aria-labelledby="all-sessions-heading">
          <h2 id="all-sessions-heading">Everyone signed in now ({sessions.length})</h2>
          {sessions.length > SHOWN && <p className="hint">Showing the {SHOWN} most recently active.</p>}
          <SessionList
            sessions={sessions.slice(0, SHOWN)}
            now={now}
            showUser
            label="All active sessions"
            action={(entry) =>
              entry.current ? null : (
                <form action={endSessionAsAdmin}>
                  <input type="hidden" name="sessionId" value={entry.id} />
                  <button type="submit" className="button" aria-label={`End the session of ${entry.username} on ${entry.device}`}>
                    End session
                  </button>
                </form>
              )
            }
          />
        </section>
      </main>
    </SessionTimeout>
  );
}
