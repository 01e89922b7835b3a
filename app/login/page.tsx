import type { Metadata } from 'next';
import { LoginForm } from '@/components/login-form';
import { config } from '@/lib/config';
import { formatDuration } from '@/lib/duration';
import { safeReturnTo } from '@/lib/return-to';
import { isSignedOutReason, type SignedOutReason } from '@/lib/session-status';
import { DEMO_CREDENTIALS } from '@/lib/users';

export const metadata: Metadata = { title: 'Sign in' };

function reasonMessage(reason: SignedOutReason, idleLimits: string, absolute: string): string | null {
  switch (reason) {
    case 'idle':
      return `You were signed out after ${idleLimits}. Sign in again to carry on where you left off; your notes were kept.`;
    case 'absolute':
      return `Your session reached its maximum length of ${absolute}. Sign in again to carry on; your notes were kept.`;
    case 'signed-out':
      return 'You have signed out.';
    case 'revoked':
      return 'Your session was ended from another device or by an administrator. Sign in again to carry on.';
    case 'replaced':
      return 'This session ended because you signed in again in this browser. Sign in to carry on.';
    case 'session-limit':
      return `You were signed out because your account was signed in in more than ${config().maxSessionsPerUser} places at once, and this was the one used least recently. Sign in again to carry on.`;
    case 'invalid':
      return 'Your session could not be read, so you were signed out. Please sign in again.';
    case 'none':
      return null;
  }
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const reason = isSignedOutReason(params.reason) ? params.reason : 'none';
  const returnTo = safeReturnTo(params.returnTo);
  const { policy } = config();
  const idle = formatDuration(policy.idleMs.user);
  const adminIdle = formatDuration(policy.idleMs.admin);
  // The page cannot know whose session ended: where the roles' limits differ, it names both (WCAG 2.2.6).
  const idleLimits = `${idle} of inactivity${adminIdle === idle ? '' : ` (${adminIdle} for administrators)`}`;
  const message = reasonMessage(reason, idleLimits, formatDuration(policy.absoluteMs));

  return (
    <main className="page page--narrow">
      <h1>Sign in</h1>
      {message && (
        <p className={`notice notice--${reason}`} role="status" data-testid="signed-out-reason">
          {message}
        </p>
      )}
      <LoginForm returnTo={returnTo} />
      <p className="hint">
        For your security you are signed out after {idle} without activity (administrators: {adminIdle}),
        and {formatDuration(policy.absoluteMs)} after signing in at the latest. You are warned {formatDuration(policy.warningBeforeMs)} before, with
        a chance to stay signed in.
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
          You can sign in without JavaScript, but the warning before a timeout needs it: without it you are signed out after {idle}{' '}
          without activity with no warning.
        </p>
      </noscript>
    </main>
  );
}
