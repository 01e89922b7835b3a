import { describe, expect, it } from 'vitest';
import { deadlines, deadlinePassed, slideLastActivity, type SessionTimes, type TimeoutPolicy } from './session-policy';

const MIN = 60_000;
const HOUR = 60 * MIN;
const policy: TimeoutPolicy = { idleMs: { user: 30 * MIN, admin: 8 * HOUR }, absoluteMs: 12 * HOUR, warningBeforeMs: 5 * MIN };
const T0 = 1_700_000_000_000;

function session(role: SessionTimes['role'], lastActivityAfter = 0): SessionTimes {
  return { role, createdAt: T0, lastActivityAt: T0 + lastActivityAfter };
}

describe('deadlines', () => {
  it('puts the idle deadline one role lifetime after the last activity and the absolute one after creation', () => {
    expect(deadlines(session('user', 10 * MIN), policy)).toEqual({ idleAt: T0 + 40 * MIN, absoluteAt: T0 + 12 * HOUR, endsAt: T0 + 40 * MIN });
    expect(deadlines(session('admin'), policy)).toEqual({ idleAt: T0 + 8 * HOUR, absoluteAt: T0 + 12 * HOUR, endsAt: T0 + 8 * HOUR });
  });

  it('ends at the absolute deadline when the idle one would come later', () => {
    expect(deadlines(session('user', 11 * HOUR + 50 * MIN), policy).endsAt).toBe(T0 + 12 * HOUR);
  });
});

describe('deadlinePassed', () => {
  it.each([
    ['user, 1 ms before the idle deadline', session('user'), 30 * MIN - 1, null],
    ['user, exactly at the idle deadline', session('user'), 30 * MIN, 'idle'],
    ['user, long after the idle deadline', session('user'), 5 * HOUR, 'idle'],
    ['admin, at 30 minutes (admins idle for 8 hours)', session('admin'), 30 * MIN, null],
    ['admin, 1 ms before 8 hours', session('admin'), 8 * HOUR - 1, null],
    ['admin, at 8 hours', session('admin'), 8 * HOUR, 'idle'],
    ['active user, 1 ms before the absolute deadline', session('user', 12 * HOUR - 10 * MIN), 12 * HOUR - 1, null],
    ['active user, exactly at the absolute deadline', session('user', 12 * HOUR - 10 * MIN), 12 * HOUR, 'absolute'],
    ['both passed, absolute first', session('user', 11 * HOUR + 50 * MIN), 13 * HOUR, 'absolute'],
    ['both passed, idle first', session('user'), 13 * HOUR, 'idle'],
    // More activity would have moved the idle deadline but not this one, so the reason is the limit.
    ['both deadlines at the same instant: absolute', session('user', 11 * HOUR + 30 * MIN), 12 * HOUR, 'absolute'],
  ] as const)('%s', (_name, times, after, expected) => {
    expect(deadlinePassed(times, T0 + after, policy)).toBe(expected);
  });
});

describe('slideLastActivity', () => {
  const now = T0 + 20 * MIN;
  it.each([
    ['active just now', 0, now],
    ['active 3 minutes ago', 3 * MIN, now - 3 * MIN],
    ['a report older than what the server knows cannot move it back', 25 * MIN, T0],
    ['a negative duration cannot move it into the future', -10 * MIN, now],
  ])('%s', (_name, idleMs, expected) => {
    expect(slideLastActivity(session('user'), now, idleMs)).toBe(expected);
  });

  it('never moves the absolute deadline, however often activity is reported: alive 1 ms before it, over at it', () => {
    let times = session('user');
    for (let minute = 20; minute < 12 * 60; minute += 20) {
      const now = T0 + minute * MIN;
      expect(deadlinePassed(times, now, policy), `minute ${minute}`).toBeNull();
      times = { ...times, lastActivityAt: slideLastActivity(times, now, 0) };
      // What the store is told the session's end is: never past the absolute deadline.
      expect(deadlines(times, policy).endsAt, `minute ${minute}`).toBeLessThanOrEqual(T0 + 12 * HOUR);
    }
    // Last active at 11:40: being idle would allow until 12:10, the absolute limit says 12:00.
    expect(deadlines(times, policy)).toEqual({ idleAt: T0 + 12 * HOUR + 10 * MIN, absoluteAt: T0 + 12 * HOUR, endsAt: T0 + 12 * HOUR });
    expect(deadlinePassed(times, T0 + 12 * HOUR - 1, policy)).toBeNull();
    expect(deadlinePassed(times, T0 + 12 * HOUR, policy)).toBe('absolute');
  });
});
