'use client';

import { useEffect, useRef, type SyntheticEvent } from 'react';
import { timeLeftAnnouncement } from '@/lib/announcement';
import { formatCountdown } from '@/lib/duration';
import type { TimeoutController } from '@/lib/timeout-controller';
import { useSessionTimeout } from './use-session-timeout';

/**
 * The warning. A native <dialog> opened with showModal() traps focus and makes the page behind it
 * inert; Escape means "Stay signed in", as in the GOV.UK/HMRC and ONS dialogs.
 */
export function SessionTimeoutDialog({ controller }: { controller: TimeoutController }) {
  const { phase, secondsLeft, extending, keepAliveFailed } = useSessionTimeout(controller);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const stayRef = useRef<HTMLButtonElement>(null);
  const open = phase === 'warning';

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      stayRef.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  const onCancel = (event: SyntheticEvent) => {
    event.preventDefault();
    controller.staySignedIn();
  };

  return (
    <dialog
      ref={dialogRef}
      className="timeout-dialog"
      aria-labelledby="timeout-dialog-title"
      aria-describedby="timeout-dialog-description"
      onCancel={onCancel}
      // Chromium may close a dialog on a repeated Escape without a cancelable event: treat it the same.
      onClose={() => controller.getSnapshot().phase === 'warning' && controller.staySignedIn()}
    >
      <h2 id="timeout-dialog-title">You will be logged out soon</h2>
      <p id="timeout-dialog-description">
        You have not used this page for a while. To protect your account, we will log you out when the time runs out.
        Anything you typed is kept.
      </p>
      <p className="timeout-dialog__countdown" aria-hidden="true" data-testid="timeout-countdown">
        {formatCountdown(secondsLeft * 1000)}
      </p>
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {open ? timeLeftAnnouncement(secondsLeft) : ''}
      </p>
      {keepAliveFailed && (
        <p className="timeout-dialog__error" role="status">
          We could not reach the server to keep you signed in. We will keep trying, or press Stay signed in to try again now.
        </p>
      )}
      <div className="timeout-dialog__actions">
        <button ref={stayRef} type="button" className="button button--primary" onClick={controller.staySignedIn} aria-disabled={extending}>
          Stay signed in
        </button>
        <button type="button" className="button" onClick={controller.logOut}>
          Log out now
        </button>
      </div>
    </dialog>
  );
}
