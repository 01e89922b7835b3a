'use client';

import { useEffect, useRef } from 'react';
import { timeLeftAnnouncement } from '@/lib/announcement';
import { formatCountdown } from '@/lib/duration';
import type { TimeoutController } from '@/lib/timeout-controller';
import { useHiddenTabTitle } from './use-hidden-tab-title';
import { useSessionTimeout } from './use-session-timeout';

const clockTime = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * The warnings. A native <dialog> opened with showModal() traps focus and makes the page behind it
 * inert. The idle warning can be answered (Escape means "Stay signed in", as in the GOV.UK/HMRC and
 * ONS dialogs); the absolute one only acknowledged, since nothing can move that deadline.
 */
/** The dialog's fixed words, rendered on the server: they never change, so they need not ship as code. */
export interface TimeoutCopy {
  idle: string;
  absolute: string;
  failed: string;
}

export function SessionTimeoutDialog({ controller, copy }: { controller: TimeoutController; copy: TimeoutCopy }) {
  const { phase, secondsLeft, endsAt, extending, keepAliveFailed } = useSessionTimeout(controller);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const primaryRef = useRef<HTMLButtonElement>(null);
  const absolute = phase === 'absolute-warning';
  const open = phase === 'warning' || absolute;
  const title = absolute ? `Your session ends at ${clockTime(endsAt)}` : 'You will be logged out soon';
  const countdown = formatCountdown(secondsLeft * 1000);

  useHiddenTabTitle(open ? `${countdown} · ${title}` : null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open) {
      if (!dialog.open) dialog.showModal();
      primaryRef.current?.focus();
    } else if (dialog.open) {
      dialog.close();
    }
  }, [open, absolute]);

  const answer = absolute ? controller.continueWorking : controller.staySignedIn;

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby="timeout-dialog-title"
      aria-describedby="timeout-dialog-description"
      onCancel={(event) => {
        event.preventDefault();
        answer();
      }}
      // Chromium may close a dialog on a repeated Escape without a cancelable event: treat it the same.
      // Both answers do nothing unless their warning is open, so a close that follows the phase is harmless.
      onClose={answer}
    >
      <h2 id="timeout-dialog-title">{title}</h2>
      <p id="timeout-dialog-description">{absolute ? copy.absolute : copy.idle}</p>
      <p className="dialog__countdown" aria-hidden="true" data-testid="timeout-countdown">
        {countdown}
      </p>
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {open ? timeLeftAnnouncement(secondsLeft) : ''}
      </p>
      {keepAliveFailed && !absolute && (
        <p className="dialog__error" role="status">
          {copy.failed}
        </p>
      )}
      <div className="dialog__actions">
        <button ref={primaryRef} type="button" className="button button--primary" onClick={answer} aria-disabled={extending}>
          {absolute ? 'Continue working' : 'Stay signed in'}
        </button>
        <button type="button" className="button" onClick={controller.logOut}>
          Log out now
        </button>
      </div>
    </dialog>
  );
}
