'use client';

import { useEffect, useRef, useState } from 'react';
import { liveAnnouncement, timeLeftSentence } from '@/lib/client/announcement';
import { formatClockTime } from '@/lib/shared/clock-time';
import { formatCountdown } from '@/lib/shared/duration';
import { fill, type TimeoutWords } from '@/lib/shared/timeout-words';
import type { TimeoutController } from '@/lib/client/timeout-controller';
import { useHiddenTabTitle } from './use-hidden-tab-title';
import { useSessionTimeout } from './use-session-timeout';

/**
 * The warnings. A native <dialog> opened with showModal() traps focus and makes the page behind it
 * inert. The idle warning can be answered (Escape means "Stay signed in", as in the GOV.UK/HMRC and
 * ONS dialogs); the absolute one only acknowledged, since nothing can move that deadline.
 *
 * While the controller says a warning is open, the dialog is open. Every region a screen reader
 * listens to is rendered from the start and only its text changes: a region inserted already filled,
 * or filled while hidden, is often not read. Every word it shows comes from `words`.
 */
export function SessionTimeoutDialog({ controller, words }: { controller: TimeoutController; words: TimeoutWords }) {
  const { phase, secondsLeft, warningEndsAt, extending, keepAliveFailed } = useSessionTimeout(controller);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const primaryRef = useRef<HTMLButtonElement>(null);
  const absolute = phase === 'absolute-warning';
  const open = phase === 'warning' || absolute;
  const title = absolute ? fill(words.absolute.title, { time: formatClockTime(warningEndsAt, words.clock) }) : words.idle.title;
  const countdown = formatCountdown(secondsLeft * 1000);
  const failed = keepAliveFailed && !absolute;

  // How much time was left when this warning opened: the live regions keep quiet just after that.
  const warning = open ? `${phase}@${warningEndsAt}` : '';
  const [opened, setOpened] = useState({ warning, secondsLeft });
  if (opened.warning !== warning) setOpened({ warning, secondsLeft });
  const live = open ? liveAnnouncement(secondsLeft, opened.secondsLeft, words) : { polite: '', assertive: '' };

  useHiddenTabTitle(open ? `${countdown} · ${title}` : null);

  const show = () => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    primaryRef.current?.focus();
  };

  useEffect(() => {
    if (open) show();
    // Closing a dialog that is not open does nothing.
    else dialogRef.current?.close();
  }, [open, absolute]);

  const answer = absolute ? controller.continueWorking : controller.staySignedIn;

  // Chromium closes a modal dialog on a repeated Escape without a cancelable `cancel` event. That is
  // still the user's Escape, so it answers the warning; but while the answer has not ended the warning
  // (a keep-alive still on its way, or failing), the session is at risk and the dialog comes back.
  const onClose = () => {
    answer();
    if (controller.getSnapshot().warningEndsAt) show();
  };

  const primaryLabel = absolute ? words.absolute.acknowledge : !extending ? words.idle.stay : failed ? words.idle.retrying : words.idle.staying;

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby="timeout-dialog-title"
      aria-describedby="timeout-dialog-time timeout-dialog-description"
      onCancel={(event) => {
        // Escape answers the warning; the dialog closes only when the controller says the warning is over.
        event.preventDefault();
        answer();
      }}
      onClose={onClose}
    >
      <h2 id="timeout-dialog-title">{title}</h2>
      <p id="timeout-dialog-time" className="visually-hidden">
        {open ? timeLeftSentence(secondsLeft, words) : ''}
      </p>
      <p id="timeout-dialog-description">{absolute ? words.absolute.description : words.idle.description}</p>
      <p className="dialog__countdown" aria-hidden="true" data-testid="timeout-countdown">
        {countdown}
      </p>
      <p className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="timeout-announcement">
        {live.polite}
      </p>
      <p className="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="timeout-urgent-announcement">
        {live.assertive}
      </p>
      <p className="dialog__error" role="status" data-testid="keep-alive-status">
        {failed ? fill(words.idle.unreachable, { stay: words.idle.stay }) : ''}
      </p>
      <div className="dialog__actions">
        <button ref={primaryRef} type="button" className="button button--primary" onClick={answer} aria-disabled={extending}>
          {primaryLabel}
        </button>
        <button type="button" className="button" onClick={controller.signOut}>
          {words.signOut}
        </button>
      </div>
    </dialog>
  );
}
