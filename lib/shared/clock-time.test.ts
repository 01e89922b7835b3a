import { describe, expect, it } from 'vitest';
import { ENGLISH_CLOCK, formatClockTime, formatMoment } from './clock-time';

// Local times, as the browser shows them: the format must not depend on the machine's locale.
const at = (hours: number, minutes: number, seconds = 0) => new Date(2026, 2, 1, hours, minutes, seconds).getTime();

describe('formatClockTime', () => {
  it.each([
    [at(14, 5), '2:05pm'],
    [at(9, 0), '9am'],
    [at(9, 30), '9:30am'],
    [at(0, 0), 'midnight'],
    [at(0, 5), '12:05am'],
    [at(12, 0), 'midday'],
    [at(12, 45), '12:45pm'],
    [at(23, 59), '11:59pm'],
  ])('writes %i as %j', (time, text) => {
    expect(formatClockTime(time, ENGLISH_CLOCK)).toBe(text);
  });

  it('cuts the seconds rather than rounding up to a later minute', () => {
    expect(formatClockTime(at(14, 5, 59), ENGLISH_CLOCK)).toBe('2:05pm');
  });
});

describe('formatMoment', () => {
  const now = at(15, 0);
  it.each([
    [at(14, 5), '2:05pm'],
    [at(0, 0), 'midnight'],
    [new Date(2026, 1, 28, 23, 59).getTime(), '11:59pm on 28 February'],
    [new Date(2026, 2, 2, 9, 0).getTime(), '9am on 2 March'],
    [new Date(2025, 11, 31, 12, 0).getTime(), 'midday on 31 December 2025'],
  ])('writes %i, seen on 1 March 2026 at 3pm, as %j', (time, text) => {
    expect(formatMoment(time, now)).toBe(text);
  });
});
