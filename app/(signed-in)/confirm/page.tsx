import type { Metadata } from 'next';
import { ConfirmPresenceForm } from '@/components/confirm-presence-form';
import { ProviderConfirm } from '@/components/provider-confirm';
import { SignedOutNotice } from '@/components/signed-out-notice';
import { config } from '@/lib/server/config';
import { providerUser } from '@/lib/server/oidc/accounts';
import { describeProviderProblem } from '@/lib/server/oidc/problems';
import { describePendingAction, readPendingAction } from '@/lib/server/step-up/pending-action';
import { requireSession } from '@/lib/server/session/session';
import { CONFIRM_TITLE } from '@/lib/shared/reauth-state';
import { safeReturnTo } from '@/lib/shared/return-to';

type Query = Promise<Record<string, string | string[] | undefined>>;

const firstOf = (query: Record<string, string | string[] | undefined>) => (name: string) => {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
};

/** What confirming will do, or nothing when no action is pending; named in the title too, the first thing read. */
async function purposeOf(query: Query) {
  const pending = readPendingAction(firstOf(await query));
  return { pending, purpose: pending ? await describePendingAction(pending) : undefined };
}

export async function generateMetadata({ searchParams }: { searchParams: Query }): Promise<Metadata> {
  const { purpose } = await purposeOf(searchParams);
  return { title: purpose ? `${CONFIRM_TITLE} to ${purpose}` : CONFIRM_TITLE };
}

/**
 * Where a sensitive action posted without JavaScript asks for the password: `?then=` names the action
 * (done once confirmed, and checked again then), `?returnTo=` the page to go back to. With JavaScript the
 * same form opens as a dialog over the page instead.
 */
export default async function ConfirmPage({ searchParams }: { searchParams: Query }) {
  const { user } = await requireSession('/dashboard');
  const first = firstOf(await searchParams);
  // The action is named, so that a link here cannot do something the page does not say; Cancel goes back without it.
  const { pending, purpose } = await purposeOf(searchParams);
  const returnTo = safeReturnTo(first('returnTo'));
  const { oidc } = config();
  // A person who signed in through the OpenID provider confirms there: this app has no password of theirs.
  if (oidc && providerUser(user.username)) {
    const problem = describeProviderProblem(first('provider'), 'confirm');
    return (
      <main className="page">
        {problem && <SignedOutNotice reason={problem.reason} heading={problem.heading} sentence={problem.sentence} testId="provider-problem" />}
        <section className="card">
          <ProviderConfirm providerName={oidc.providerName} returnTo={returnTo} {...(pending ? { pending } : {})} {...(purpose ? { purpose } : {})} />
        </section>
      </main>
    );
  }
  return (
    <main className="page">
      <section className="card">
        <ConfirmPresenceForm returnTo={returnTo} {...(pending ? { pending } : {})} {...(purpose ? { purpose } : {})} headingLevel={1} />
      </section>
    </main>
  );
}
