import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDuration, parseDuration, waitPhrase } from './duration';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['12h', 43_200_000],
    ['1800', 1_800_000],
    ['1.5h', 5_400_000],
    ['1.25h', 4_500_000],
    ['250ms', 250],
    ['2d', 172_800_000],
    [' 8S ', 8_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '30 minutes', '-5m', '0', '0s', '5x', '1e3', 'm', '99999999999999999999h'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [1_800_000, '30 minutes'],
    [28_800_000, '8 hours'],
    [90_000, '1 minute 30 seconds'],
    [1_000, '1 second'],
    [0, '0 seconds'],
  ])('writes %i ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatCountdown', () => {
  it.each([
    [300_000, '5:00'],
    [299_001, '5:00'],
    [299_000, '4:59'],
    [65_000, '1:05'],
    [1, '0:01'],
    [0, '0:00'],
    [-500, '0:00'],
  ])('shows %i ms as %j', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });
});

describe('waitPhrase', () => {
  it.each([
    [900_000, '15 minutes'],
    [841_000, '15 minutes'],
    [60_000, '1 minute'],
    [59_200, '1 minute'],
    [61_000, '2 minutes'],
    [30_000, '30 seconds'],
    [1_000, '1 second'],
    [1, '1 second'],
    [3_600_000, '1 hour'],
    [5_400_000, '1 hour 30 minutes'],
  ])('asks to wait %i ms as %j, never less than the wait', (ms, text) => {
    expect(waitPhrase(ms)).toBe(text);
  });
});
