'use client';

import { useActionState, useCallback, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { SCRIPTED_FIELD, SENSITIVE_INITIAL, type SensitiveState } from '@/lib/shared/reauth-state';
import { ReauthDialog } from './reauth-dialog';

const noSubscription = () => () => {};

/**
 * A form whose action may need the password first (see lib/server/step-up/reauth.ts). When the server says so,
 * "Confirm it's you" opens over the page and, once confirmed, the same form is sent again: the user's
 * action completes without leaving the page, and nothing else on it changes. Without JavaScript the
 * server sends the browser to the page that asks instead.
 */
export function SensitiveForm({
  action,
  returnTo,
  children,
}: {
  action: (previous: SensitiveState, form: FormData) => Promise<SensitiveState>;
  returnTo: string;
  children: ReactNode;
}) {
  const [state, formAction] = useActionState(action, SENSITIVE_INITIAL);
  const formRef = useRef<HTMLFormElement>(null);
  // The ask the dialog last answered: a later ask is a new state, so it opens again.
  const [answered, setAnswered] = useState(0);
  const asking = state.asks > answered;
  // True once hydrated: only then can the server leave the asking to the dialog.
  const scripted = useSyncExternalStore(noSubscription, () => true, () => false);

  const close = useCallback(() => setAnswered(state.asks), [state.asks]);
  const confirmed = useCallback(() => {
    setAnswered(state.asks);
    formRef.current?.requestSubmit();
  }, [state.asks]);

  return (
    <>
      <form ref={formRef} action={formAction}>
        {scripted && <input type="hidden" name={SCRIPTED_FIELD} value="1" />}
        {children}
      </form>
      {asking && <ReauthDialog returnTo={returnTo} onConfirmed={confirmed} onCancel={close} />}
    </>
  );
}
