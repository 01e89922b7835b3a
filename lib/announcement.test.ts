import { describe, expect, it } from 'vitest';
import { timeLeftAnnouncement } from './announcement';

describe('timeLeftAnnouncement', () => {
  it('speaks in minutes, then in 20-second steps', () => {
    expect(timeLeftAnnouncement(300)).toBe('You will be logged out in 5 minutes.');
    expect(timeLeftAnnouncement(241)).toBe('You will be logged out in 5 minutes.');
    expect(timeLeftAnnouncement(240)).toBe('You will be logged out in 4 minutes.');
    expect(timeLeftAnnouncement(60)).toBe('You will be logged out in 60 seconds.');
    expect(timeLeftAnnouncement(41)).toBe('You will be logged out in 60 seconds.');
    expect(timeLeftAnnouncement(40)).toBe('You will be logged out in 40 seconds.');
    expect(timeLeftAnnouncement(1)).toBe('You will be logged out in 20 seconds.');
  });

  it('changes at most once every 20 seconds over the whole warning', () => {
    const changedAt: number[] = [];
    for (let seconds = 299; seconds > 0; seconds -= 1) {
      if (timeLeftAnnouncement(seconds) !== timeLeftAnnouncement(seconds + 1)) changedAt.push(seconds);
    }
    expect(changedAt).toEqual([240, 180, 120, 60, 40, 20]);
  });
});
