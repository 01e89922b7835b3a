import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { SessionTimeout } from '@/components/session-timeout';
import { SignOutButton } from '@/components/sign-out-button';
import { requireSession, toStatus } from '@/lib/server/session/session';
import { keepsRecords } from '@/lib/server/stores';
import { RETURN_TO_HEADER } from '@/lib/shared/return-to';

/**
 * The protected pages' shell: the session read once (the pages' own reads of it are the same cached
 * one), the top bar, and the timer with its warnings around the page. Reading never extends the session.
 */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  // A layout is not told its page's path; proxy.ts passes it on, so the login page can bring the user back.
  const { session, user, now } = await requireSession((await headers()).get(RETURN_TO_HEADER) ?? '/dashboard');
  return (
    <SessionTimeout status={toStatus(session, now)} hearsEnds={keepsRecords()}>
      <header className="topbar">
        <span className="topbar__title">Session timeout, done right</span>
        <SignOutButton username={user.username} />
      </header>
      {children}
    </SessionTimeout>
  );
}
