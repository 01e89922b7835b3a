import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { SessionTimeout } from '@/components/session-timeout';
import { SignOutButton } from '@/components/sign-out-button';
import { config } from '@/lib/server/config';
import { providerUser } from '@/lib/server/oidc/accounts';
import { canEndAtProvider } from '@/lib/server/oidc/sign-out';
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
  // Signed in through the provider: Sign out may end the session there too (OIDC_PROVIDER_SIGN_OUT), where it can.
  const oidc = config().oidc;
  const atProvider = oidc && providerUser(user.username) && canEndAtProvider() ? oidc.providerSignOut : 'never';
  const { sessionTag } = session;
  return (
    <SessionTimeout status={toStatus(session, now)} hearsEnds={keepsRecords()}>
      <header className="topbar">
        <span className="topbar__title">Session timeout, done right</span>
        <div className="topbar__actions">
          <SignOutButton username={user.username} sessionTag={sessionTag} endAtProvider={atProvider === 'always'} />
          {atProvider === 'offer' && <SignOutButton username={user.username} sessionTag={sessionTag} label={`Sign out of ${oidc?.providerName} too`} endAtProvider />}
        </div>
      </header>
      {children}
    </SessionTimeout>
  );
}
