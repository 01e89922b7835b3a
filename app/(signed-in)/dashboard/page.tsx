import type { Metadata } from 'next';
import { ActiveSessions } from '@/components/active-sessions';
import { LocalTime } from '@/components/local-time';
import { NotesEditor } from '@/components/notes-editor';
import { RecentActivity } from '@/components/recent-activity';
import { formatDuration } from '@/lib/shared/duration';
import { pageNumber } from '@/lib/server/lists/session-listing';
import { requireSession, toStatus } from '@/lib/server/session/session';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Reading the session here never extends it: only real activity, reported by the client, does.
  const { session, user, now } = await requireSession('/dashboard');
  const status = toStatus(session, now);

  return (
    <main className="page">
      <noscript>
        <p className="notice notice--noscript">
          The warning before a timeout needs JavaScript. Without it you are still signed out after {formatDuration(status.idleTimeoutMs)}{' '}
          without activity, but with no warning, and notes typed here are not kept.
        </p>
      </noscript>
      <h1>Welcome, {user.displayName}</h1>
      <section className="card" aria-labelledby="session-heading">
        <h2 id="session-heading">Your session</h2>
        <dl className="facts">
          <dt>Signed in as</dt>
          <dd>
            <code>{user.username}</code>
          </dd>
          <dt>Role</dt>
          <dd>{user.role}</dd>
          <dt>Idle timeout</dt>
          <dd data-testid="idle-timeout">
            {formatDuration(status.idleTimeoutMs)} without activity; a warning opens {formatDuration(status.warningBeforeMs)} before
          </dd>
          <dt>Session ends</dt>
          <dd data-testid="absolute-end">
            at <LocalTime inMs={status.absoluteExpiresInMs} /> at the latest, however active you are
          </dd>
          <dt>Cookie</dt>
          <dd>{session.remember ? 'kept after the browser closes (Keep me signed in)' : 'ends when the browser closes'}</dd>
        </dl>
      </section>
      <ActiveSessions isAdmin={user.role === 'admin'} now={now} page={pageNumber((await searchParams).page)} />
      <RecentActivity now={now} />
      <section className="card" aria-labelledby="work-heading">
        <h2 id="work-heading">Your work</h2>
        <NotesEditor username={user.username} />
      </section>
    </main>
  );
}
