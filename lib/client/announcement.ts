/**
 * What the warning dialog tells a screen reader. The time left is rounded down, so it never promises
 * more than there is: whole minutes, then 20-second steps in the last minute.
 */
import { plural } from '../shared/duration';

export function timeLeftPhrase(secondsLeft: number): string {
  if (secondsLeft >= 60) return plural(Math.floor(secondsLeft / 60), 'minute');
  if (secondsLeft >= 20) return `${Math.floor(secondsLeft / 20) * 20} seconds`;
  return 'less than 20 seconds';
}

/** Part of the dialog's description, so it is read out with the dialog's name when it opens. */
export const timeLeftSentence = (secondsLeft: number) => `We will sign you out in ${timeLeftPhrase(secondsLeft)}.`;

/** The live regions stay quiet this long after the dialog opens: its description has just said the time. */
const QUIET_AFTER_OPENING_S = 20;
/** From here on the news interrupts (aria-live="assertive"); before, it waits for a pause (polite). */
const URGENT_BELOW_S = 20;

/**
 * The live regions' text while a warning is open, `secondsAtOpening` after it opened with that much left.
 * It changes only when the phrase does, so a screen reader hears at most one message a minute, then one
 * every 20 seconds (the GOV.UK/HMRC dialog's lesson: a message every second talks over the user).
 * HMRC's dialog is assertive throughout; here only the last 20 seconds interrupt.
 */
export function liveAnnouncement(secondsLeft: number, secondsAtOpening: number): { polite: string; assertive: string } {
  if (secondsAtOpening - secondsLeft < QUIET_AFTER_OPENING_S) return { polite: '', assertive: '' };
  const sentence = timeLeftSentence(secondsLeft);
  return secondsLeft < URGENT_BELOW_S ? { polite: '', assertive: sentence } : { polite: sentence, assertive: '' };
}
