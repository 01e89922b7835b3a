import type { Metadata } from 'next';
import { ConfirmPresenceForm } from '@/components/confirm-presence-form';
import { describePendingAction, readPendingAction } from '@/lib/server/pending-action';
import { requireSession } from '@/lib/server/session';
import { CONFIRM_TITLE } from '@/lib/shared/reauth-state';
import { safeReturnTo } from '@/lib/shared/return-to';

export const metadata: Metadata = { title: CONFIRM_TITLE };

/**
 * Where a sensitive action posted without JavaScript asks for the password: `?then=` names the action
 * (done once confirmed, and checked again then), `?returnTo=` the page to go back to. With JavaScript the
 * same form opens as a dialog over the page instead.
 */
export default async function ConfirmPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSession('/dashboard');
  const query = await searchParams;
  const first = (name: string) => {
    const value = query[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const pending = readPendingAction(first);
  // The action is named, so that a link here cannot do something the page does not say; Cancel goes back without it.
  const purpose = pending ? await describePendingAction(pending) : undefined;
  return (
    <main className="page">
      <section className="card">
        <ConfirmPresenceForm returnTo={safeReturnTo(first('returnTo'))} {...(pending ? { pending } : {})} {...(purpose ? { purpose } : {})} headingLevel={1} />
      </section>
    </main>
  );
}
