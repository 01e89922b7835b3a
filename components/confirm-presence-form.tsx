'use client';

import { startTransition, useActionState, useEffect, useRef, type FormEvent } from 'react';
import { confirmPresenceAction } from '@/lib/server/actions';
import { CONFIRM_INITIAL, CONFIRM_TITLE, type PendingAction } from '@/lib/shared/reauth-state';
import { ErrorSummary } from './error-summary';

/**
 * "Confirm it's you": the password only, since the user is known. In the dialog (`onConfirmed` given) a
 * success hands back to the page, which sends its action again; on a page of its own (`/confirm`, the
 * admin page) the server does the pending action and goes back to `returnTo`. Errors follow GOV.UK's
 * pattern, as on the login form: a summary that takes focus and links to the field, the field's own message.
 */
export function ConfirmPresenceForm({
  returnTo,
  cancelTo = returnTo,
  pending,
  purpose,
  onConfirmed,
  onCancel,
  headingLevel,
}: {
  returnTo: string;
  /** Where Cancel goes on a page of its own: back, unless going back would only ask again. */
  cancelTo?: string;
  pending?: PendingAction;
  /** What confirming will do, for "Enter your password to …": the page of its own names the pending action. */
  purpose?: string;
  onConfirmed?: () => void;
  onCancel?: () => void;
  headingLevel: 1 | 2;
}) {
  const [state, formAction, busy] = useActionState(confirmPresenceAction, CONFIRM_INITIAL);
  const problems = [state.errors?.attempt, state.errors?.password].filter((message) => message !== undefined).map((message) => ({ field: 'confirm-password', message }));
  const fieldError = state.errors?.password;
  const Heading = headingLevel === 1 ? 'h1' : 'h2';

  // Once per confirmation, whatever the parent renders meanwhile.
  const confirmedRef = useRef(onConfirmed);
  useEffect(() => {
    confirmedRef.current = onConfirmed;
  });
  useEffect(() => {
    if (state.confirmed > 0) confirmedRef.current?.();
  }, [state.confirmed]);

  // With scripts the form is sent from here rather than by React's form action, which would empty the field when the
  // answer comes and wipe whatever was typed while it was on its way: the password is cleared as it is sent instead.
  // Without scripts the browser posts the form to the same action.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const form = new FormData(event.currentTarget);
    const password = event.currentTarget.elements.namedItem('password');
    if (password instanceof HTMLInputElement) password.value = '';
    startTransition(() => formAction(form));
  };

  return (
    <form className="confirm-form" action={formAction} onSubmit={onSubmit} noValidate>
      <Heading id="confirm-title">{CONFIRM_TITLE}</Heading>
      <ErrorSummary problems={problems} attempt={state} testId="confirm-error-summary" />
      <p id="confirm-hint">
        Enter your password to {purpose ?? 'go on'}. This keeps your sessions safe if someone else is at your device.
      </p>
      <input type="hidden" name="mode" value={onConfirmed ? 'dialog' : 'page'} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {pending && <input type="hidden" name="then" value={pending.then} />}
      {pending?.then === 'end-session' && <input type="hidden" name="sessionId" value={pending.sessionId} />}
      <div className={fieldError ? 'field field--error' : 'field'}>
        <label htmlFor="confirm-password">Password</label>
        {fieldError && (
          <p id="confirm-password-error" className="field__error">
            <span className="visually-hidden">Error: </span>
            {fieldError}
          </p>
        )}
        <input
          id="confirm-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          // Focus goes to the field as the prompt opens; after an error the summary takes it instead.
          autoFocus={problems.length === 0}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? 'confirm-hint confirm-password-error' : 'confirm-hint'}
        />
      </div>
      <div className="dialog__actions">
        <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
          Confirm
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : (
          <a className="button" href={cancelTo}>
            Cancel
          </a>
        )}
      </div>
    </form>
  );
}
