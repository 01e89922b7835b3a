'use client';

import { useEffect, useRef } from 'react';
import { ConfirmPresenceForm } from './confirm-presence-form';

/**
 * "Confirm it's you" over the page: a native <dialog> opened with showModal() (focus trapped, the page
 * inert and untouched behind it), focus on the Password field. Escape and Cancel leave everything as it was.
 */
export function ReauthDialog({ returnTo, onConfirmed, onCancel }: { returnTo: string; onConfirmed: () => void; onCancel: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    // The button that asked: focus goes back to it, since the dialog leaves the page by unmounting, not closing.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLInputElement>('input[type="password"]')?.focus();
    return () => {
      dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    // Closed by Escape or by the buttons: either way the parent unmounts it.
    <dialog ref={dialogRef} className="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-hint" onClose={onCancel}>
      <ConfirmPresenceForm returnTo={returnTo} onConfirmed={onConfirmed} onCancel={onCancel} headingLevel={2} />
    </dialog>
  );
}
