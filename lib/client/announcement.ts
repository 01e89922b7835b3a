/**
 * What the warning dialog tells a screen reader. The time left is rounded down, so it never promises
 * more than there is: whole minutes, then 20-second steps in the last minute.
 */
import { fill, type TimeoutWords } from '../shared/timeout-words';

/** The live regions stay quiet this long after the dialog opens: its description has just said the time. */
const QUIET_AFTER_OPENING_S = 20;
/** From here on the news interrupts (aria-live="assertive"); before, it waits for a pause (polite). */
const URGENT_BELOW_S = 20;

/** The words this module needs: the sentence and its phrases. */
export type AnnouncementWords = Pick<TimeoutWords, 'timeLeft' | 'minutes' | 'seconds' | 'underSeconds'>;

export function timeLeftPhrase(secondsLeft: number, words: AnnouncementWords): string {
  const minutes = Math.floor(secondsLeft / 60);
  if (minutes >= 1) return fill(minutes === 1 ? words.minutes.one : words.minutes.other, { count: minutes });
  if (secondsLeft >= URGENT_BELOW_S) return fill(words.seconds, { count: Math.floor(secondsLeft / 20) * 20 });
  return fill(words.underSeconds, { count: URGENT_BELOW_S });
}

/** Part of the dialog's description, so it is read out with the dialog's name when it opens. */
export const timeLeftSentence = (secondsLeft: number, words: AnnouncementWords) => fill(words.timeLeft, { time: timeLeftPhrase(secondsLeft, words) });


/**
 * The live regions' text while a warning is open, `secondsAtOpening` after it opened with that much left.
 * It changes only when the phrase does, so a screen reader hears at most one message a minute, then one
 * every 20 seconds (the GOV.UK/HMRC dialog's lesson: a message every second talks over the user).
 * HMRC's dialog is assertive throughout; here only the last 20 seconds interrupt.
 */
export function liveAnnouncement(secondsLeft: number, secondsAtOpening: number, words: AnnouncementWords): { polite: string; assertive: string } {
  if (secondsAtOpening - secondsLeft < QUIET_AFTER_OPENING_S) return { polite: '', assertive: '' };
  const sentence = timeLeftSentence(secondsLeft, words);
  return secondsLeft < URGENT_BELOW_S ? { polite: '', assertive: sentence } : { polite: sentence, assertive: '' };
}
