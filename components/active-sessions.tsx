import Link from 'next/link';
import { listMySessions } from '@/lib/session-admin';
import { signOutOtherSessions } from '@/lib/session-actions';
import { SessionList } from './session-list';

/** The dashboard's list of this user's active sessions, with "Sign out other sessions". A server component. */
export async function ActiveSessions({ isAdmin, now }: { isAdmin: boolean; now: number }) {
  const sessions = (await listMySessions()) ?? [];
  const others = sessions.filter((session) => !session.current).length;
  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      <SessionList sessions={sessions} now={now} label="Your active sessions" />
      {others > 0 ? (
        <form action={signOutOtherSessions}>
          <button type="submit" className="button">
            Sign out other sessions ({others})
          </button>
        </form>
      ) : (
        <p className="hint">You are not signed in anywhere else.</p>
      )}
      {isAdmin && (
        <p>
          <Link href="/admin/sessions">Everyone&apos;s sessions (administrators)</Link>
        </p>
      )}
    </section>
  );
}
