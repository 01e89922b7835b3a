import type { ClockWords } from './timeout-words';

/** The clock's words for a page that has no words object of its own (the timeout's dialog has: `TimeoutWords.clock`). */
export const ENGLISH_CLOCK: ClockWords = { am: 'am', pm: 'pm', midday: 'midday', midnight: 'midnight' };

/**
 * A moment as a clock time in the reader's own time zone, in GOV.UK's style whatever the browser's
 * locale: `2:05pm`, `9am`, `midday`, `midnight` (never `02:05 PM` or `14:05:00`). The minutes are cut,
 * not rounded: a session that ends at 2:05:40pm is said to end at 2:05pm, never later than it does.
 */
export function formatClockTime(at: number, words: ClockWords): string {
  const date = new Date(at);
  const hours = date.getHours();
  const minutes = date.getMinutes();
  if (minutes === 0 && hours === 0) return words.midnight;
  if (minutes === 0 && hours === 12) return words.midday;
  const hour = hours % 12 || 12;
  const suffix = hours < 12 ? words.am : words.pm;
  return minutes === 0 ? `${hour}${suffix}` : `${hour}:${String(minutes).padStart(2, '0')}${suffix}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A moment that may be on another day, in GOV.UK's style: the clock time alone on the day of `now`, else with its
 * date, "2:05pm on 1 December", and the year too when it is not this one ("2:05pm on 30 December 2025").
 */
export function formatMoment(at: number, now: number): string {
  const date = new Date(at);
  const today = new Date(now);
  const time = formatClockTime(at, ENGLISH_CLOCK);
  if (date.toDateString() === today.toDateString()) return time;
  const year = date.getFullYear() === today.getFullYear() ? '' : ` ${date.getFullYear()}`;
  return `${time} on ${date.getDate()} ${MONTHS[date.getMonth()] ?? ''}${year}`;
}
