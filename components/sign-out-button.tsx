'use client';

import { useRef, type MouseEvent } from 'react';
import { readDraft, writeDraft } from '@/lib/client/notes-draft';
import { useTimeoutController } from './session-timeout';

/**
 * Signing out goes through the timer, so no keep-alive can be sent (or land) after the user chose to
 * leave, and every tab follows. Unsaved notes are discarded only after asking. Without JavaScript the
 * button posts its form to `/sign-out` instead.
 */
export function SignOutButton({ username }: { username: string }) {
  const controller = useTimeoutController();
  const confirmRef = useRef<HTMLDialogElement>(null);

  const onSignOut = (event: MouseEvent) => {
    event.preventDefault();
    if (readDraft(username)) confirmRef.current?.showModal();
    else controller.signOut();
  };

  const discardAndSignOut = () => {
    writeDraft(username, '');
    controller.signOut();
  };

  return (
    <form action="/sign-out" method="post">
      <button type="submit" className="button" onClick={onSignOut}>
        Sign out
      </button>
      <dialog ref={confirmRef} className="dialog" aria-labelledby="discard-title" aria-describedby="discard-description">
        <h2 id="discard-title">Discard your unsaved notes?</h2>
        <p id="discard-description">Signing out removes the notes you typed from this browser. Cancel to keep working on them.</p>
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
