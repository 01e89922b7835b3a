'use client';

import { useActionState, useEffect, useRef, type FormEvent } from 'react';
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
  onConfirmed,
  onCancel,
  headingLevel,
}: {
  returnTo: string;
  /** Where Cancel goes on a page of its own: back, unless going back would only ask again. */
  cancelTo?: string;
  pending?: PendingAction;
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

  const onSubmit = (event: FormEvent) => {
    if (busy) event.preventDefault();
  };

  return (
    <form className="confirm-form" action={formAction} onSubmit={onSubmit} noValidate>
      <Heading id="confirm-title">{CONFIRM_TITLE}</Heading>
      <ErrorSummary problems={problems} attempt={state} testId="confirm-error-summary" />
      <p id="confirm-hint">Enter your password to go on. This keeps your sessions safe if someone else is at your device.</p>
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
