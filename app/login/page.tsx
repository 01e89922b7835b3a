import type { Metadata } from 'next';
import { LoginForm } from '@/components/login-form';
import { ProviderSignIn } from '@/components/provider-sign-in';
import { SignedOutNotice } from '@/components/signed-out-notice';
import { config } from '@/lib/server/config';
import { formatDuration } from '@/lib/shared/duration';
import { safeReturnTo } from '@/lib/shared/return-to';
import { describeProviderProblem } from '@/lib/server/oidc/problems';
import { isNoSessionReason } from '@/lib/shared/session-status';
import { documentTitle } from '@/lib/shared/site';
import { DEMO_CREDENTIALS } from '@/lib/server/sign-in/users';
import { SIGNED_OUT_WORDS, type Limits } from './signed-out-reasons';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The words for the reason in the query, if it names one. */
function signedOut(reason: unknown) {
  return isNoSessionReason(reason) && reason !== 'no-session' ? { reason, ...SIGNED_OUT_WORDS[reason] } : undefined;
}

function limits(): Limits {
  const { policy, maxSessionsPerUser, oidc } = config();
  const idle = formatDuration(policy.idleMs.user);
  const adminIdle = formatDuration(policy.idleMs.admin);
  // The page cannot know whose session ended: where the roles' limits differ, it names both (WCAG 2.2.6).
  return { idle: `${idle} of inactivity${adminIdle === idle ? '' : ` (${adminIdle} for administrators)`}`, absolute: formatDuration(policy.absoluteMs), maxSessions: maxSessionsPerUser, ...(oidc ? { provider: oidc.providerName } : {}) };
}

/** After a sign-out the title says why first, so it is the first thing a screen reader reads. */
const title = (notice: { heading: string } | undefined) => documentTitle(notice ? `${notice.heading} · Sign in` : 'Sign in');

// No title from the metadata: the login form renders the page's one <title> itself, so that "Error: "
// can lead it while errors show, in the HTML the server renders for a post without JavaScript too.
// (Next would put its own title first in the head, and the first title is the one browsers use.)
export const metadata: Metadata = { title: null };

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const notice = signedOut(params.reason);
  const problem = describeProviderProblem(params.provider, 'sign-in');
  const returnTo = safeReturnTo(params.returnTo);
  const { policy, oidc } = config();
  const words = limits();

  return (
    <main className="page page--narrow">
      {problem ? (
        <SignedOutNotice reason={problem.reason} heading={problem.heading} sentence={problem.sentence} testId="provider-problem" />
      ) : (
        notice && <SignedOutNotice reason={notice.reason} heading={notice.heading} sentence={notice.sentence(words)} />
      )}
      <h1>Sign in</h1>
      {oidc && <ProviderSignIn providerName={oidc.providerName} returnTo={returnTo} />}
      <LoginForm returnTo={returnTo} title={title(problem ?? notice)} idleLimits={words.idle} />
      <p className="hint">
        For your security you are signed out after {words.idle}, and {words.absolute} after signing in at the latest. You are warned{' '}
        {formatDuration(policy.warningBeforeMs)} before, with a chance to stay signed in.
      </p>
      <section className="card" aria-labelledby="demo-accounts">
        <h2 id="demo-accounts">Demo accounts</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Password</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {DEMO_CREDENTIALS.map((account) => (
              <tr key={account.username}>
                <td>
                  <code>{account.username}</code>
                </td>
                <td>
                  <code>{account.password}</code>
                </td>
                <td>{account.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <noscript>
        <p className="notice notice--noscript">
          You can sign in without JavaScript, but the warning before a timeout needs it: without it you are signed out after {words.idle}{' '}
          with no warning.
        </p>
      </noscript>
    </main>
  );
}
