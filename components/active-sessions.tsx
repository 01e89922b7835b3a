import Link from 'next/link';
import { config } from '@/lib/server/config';
import { formatDuration } from '@/lib/shared/duration';
import { listMySessions } from '@/lib/server/lists/my-sessions';
import { signOutOtherSessions } from '@/lib/server/actions';
import { SensitiveForm } from './sensitive-form';
import { SessionList } from './session-list';
import { SessionPager } from './session-pager';

/** `SESSION_STORE=cookie`: what this mode cannot do, said where the list would be. */
function NoSessionList({ isAdmin }: { isAdmin: boolean }) {
  const { absoluteMs } = config().policy;
  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      <p data-testid="no-session-list">
        This server keeps no sessions of its own: your session lives only in this browser&apos;s cookie. So it cannot list
        where else you are signed in, or sign those sessions out, and signing out here ends this browser&apos;s cookie only: a
        copy of it taken before would still work, and whoever holds it could keep using it until {formatDuration(absoluteMs)}{' '}
        after you signed in.
      </p>
      {isAdmin && <p>For the same reason there is no list of everyone&apos;s sessions, and no way to end one.</p>}
    </section>
  );
}

/** The dashboard's list of this user's active sessions, a page at a time, with "Sign out other sessions". A server component. */
export async function ActiveSessions({ isAdmin, now, page }: { isAdmin: boolean; now: number; page: number }) {
  const mine = await listMySessions(page);
  if (!mine.ok && mine.reason === 'no-records') return <NoSessionList isAdmin={isAdmin} />;
  const listing = mine.ok ? mine.value : undefined;
  // This session is active (the page just read it), so every other one counted is another place.
  const others = listing ? listing.total - 1 : 0;
  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      <SessionList sessions={listing?.sessions ?? []} now={now} label="Your active sessions" />
      {listing && <SessionPager page={listing.page} pages={listing.pages} path="/dashboard" label="Pages of your active sessions" />}
      {others > 0 ? (
        <SensitiveForm action={signOutOtherSessions} returnTo="/dashboard">
          <button type="submit" className="button">
            Sign out other sessions ({others})
          </button>
        </SensitiveForm>
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
