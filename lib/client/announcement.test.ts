import { describe, expect, it } from 'vitest';
import { TIMEOUT_WORDS as WORDS } from '../shared/timeout-words';
import { liveAnnouncement, timeLeftPhrase, timeLeftSentence } from './announcement';

describe('timeLeftPhrase', () => {
  it.each([
    [300, '5 minutes'],
    [299, '4 minutes'],
    [241, '4 minutes'],
    [240, '4 minutes'],
    [119, '1 minute'],
    [60, '1 minute'],
    [59, '40 seconds'],
    [40, '40 seconds'],
    [39, '20 seconds'],
    [20, '20 seconds'],
    [19, 'less than 20 seconds'],
    [1, 'less than 20 seconds'],
  ])('says %i seconds as %j', (seconds, phrase) => {
    expect(timeLeftPhrase(seconds, WORDS)).toBe(phrase);
  });

  it('never promises more time than is left', () => {
    for (let seconds = 1; seconds <= 12 * 3600; seconds += 1) {
      const [, lessThan, amount = '0', unit = ''] = /^(less than )?(\d+) (minute|second)/.exec(timeLeftPhrase(seconds, WORDS)) ?? [];
      const promised = lessThan ? 0 : Number(amount) * (unit === 'minute' ? 60 : 1);
      expect(promised, `${seconds} s`).toBeLessThanOrEqual(seconds);
    }
  });
});

describe('timeLeftSentence', () => {
  it('is the sentence the dialog describes itself with', () => {
    expect(timeLeftSentence(300, WORDS)).toBe('We will sign you out in 5 minutes.');
  });
});

describe('liveAnnouncement', () => {
  /** Every change of either region over a warning that opened with `opening` seconds left. */
  function changes(opening: number) {
    const seen: Array<[number, 'polite' | 'assertive', string]> = [];
    let last = liveAnnouncement(opening, opening, WORDS);
    for (let seconds = opening - 1; seconds > 0; seconds -= 1) {
      const next = liveAnnouncement(seconds, opening, WORDS);
      if (next.polite !== last.polite) seen.push([seconds, 'polite', next.polite]);
      if (next.assertive !== last.assertive) seen.push([seconds, 'assertive', next.assertive]);
      last = next;
    }
    return { first: liveAnnouncement(opening, opening, WORDS), seen };
  }

  it('is quiet as the dialog opens, then speaks calmly, and interrupts only in the last 20 seconds', () => {
    const { first, seen } = changes(300);
    expect(first).toEqual({ polite: '', assertive: '' });
    expect(seen).toEqual([
      [280, 'polite', 'We will sign you out in 4 minutes.'],
      [239, 'polite', 'We will sign you out in 3 minutes.'],
      [179, 'polite', 'We will sign you out in 2 minutes.'],
      [119, 'polite', 'We will sign you out in 1 minute.'],
      [59, 'polite', 'We will sign you out in 40 seconds.'],
      [39, 'polite', 'We will sign you out in 20 seconds.'],
      [19, 'polite', ''],
      [19, 'assertive', 'We will sign you out in less than 20 seconds.'],
    ]);
  });

  it('keeps quiet for 20 seconds after a late opening too, then says the time as it changes', () => {
    expect(changes(37).seen).toEqual([[17, 'assertive', 'We will sign you out in less than 20 seconds.']]);
    expect(changes(50).seen[0]).toEqual([30, 'polite', 'We will sign you out in 20 seconds.']);
  });
});
