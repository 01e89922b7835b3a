import Link from 'next/link';
import { listMySessions } from '@/lib/server/my-sessions';
import { signOutOtherSessions } from '@/lib/server/actions';
import { SensitiveForm } from './sensitive-form';
import { SessionList } from './session-list';
import { SessionPager } from './session-pager';

/** The dashboard's list of this user's active sessions, a page at a time, with "Sign out other sessions". A server component. */
export async function ActiveSessions({ isAdmin, now, page }: { isAdmin: boolean; now: number; page: number }) {
  const mine = await listMySessions(page);
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
