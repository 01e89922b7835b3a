'use client';

import { useId, useRef, type MouseEvent } from 'react';
import { readDraft, writeDraft } from '@/lib/client/notes-draft';
import { END_AT_PROVIDER, SESSION_TAG_FIELD } from '@/lib/shared/provider-sign-out';
import { useTimeoutController } from './session-timeout';

/**
 * Signing out goes through the timer, so no keep-alive can be sent (or land) after the user chose to
 * leave, and every tab follows. Unsaved notes are discarded only after asking. Without JavaScript the
 * button posts its form to `/sign-out` instead.
 *
 * `endAtProvider`: the sign-out also ends the session at the OpenID provider, which takes the browser to the
 * provider's end-session page and back: always through the form, whose answer is that redirect. The timer stops first,
 * or the end it would hear from the server (this very sign-out) would take the page to the login page instead. Every
 * other tab still follows, told by the server's end stream.
 */
export function SignOutButton({
  username,
  sessionTag,
  label = 'Sign out',
  endAtProvider = false,
}: {
  username: string;
  sessionTag: string;
  label?: string;
  endAtProvider?: boolean;
}) {
  const controller = useTimeoutController();
  const formRef = useRef<HTMLFormElement>(null);
  const confirmRef = useRef<HTMLDialogElement>(null);
  // Two of these may share the bar (Sign out, and Sign out of the provider too): each dialog's names are its own.
  const id = useId();
  const leave = () => {
    if (!endAtProvider) return controller.signOut();
    controller.stop();
    formRef.current?.requestSubmit();
  };

  const onSignOut = (event: MouseEvent) => {
    if (!readDraft(username)) {
      // Through the form itself, which then posts as it would without JavaScript.
      if (endAtProvider) controller.stop();
      else {
        event.preventDefault();
        controller.signOut();
      }
      return;
    }
    event.preventDefault();
    confirmRef.current?.showModal();
  };

  const discardAndSignOut = () => {
    writeDraft(username, '');
    confirmRef.current?.close();
    leave();
  };

  return (
    <form ref={formRef} action="/sign-out" method="post">
      <input type="hidden" name={SESSION_TAG_FIELD} value={sessionTag} />
      {endAtProvider && <input type="hidden" name={END_AT_PROVIDER.name} value={END_AT_PROVIDER.value} />}
      <button type="submit" className="button" onClick={onSignOut}>
        {label}
      </button>
      <dialog ref={confirmRef} className="dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-description`}>
        <h2 id={`${id}-title`}>Discard your unsaved notes?</h2>
        <p id={`${id}-description`}>Signing out removes the notes you typed from this browser. Cancel to keep working on them.</p>
        <div className="dialog__actions">
          {/* showModal() focuses the first button: the safe choice, not the one that loses data. */}
          <button type="button" className="button" onClick={() => confirmRef.current?.close()}>
            Cancel
          </button>
          <button type="button" className="button button--danger" onClick={discardAndSignOut}>
            Discard notes and sign out
          </button>
        </div>
      </dialog>
    </form>
  );
}
