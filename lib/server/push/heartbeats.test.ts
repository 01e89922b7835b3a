import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS } from './heartbeat';
import { startBeating, stopBeating, type Beating } from './heartbeats';

/** A stream that writes down when it beat, in ms since the test began. */
function stream(): Beating & { beats: number[] } {
  const started = Date.now();
  const beats: number[] = [];
  return { beats, beat: () => void beats.push(Date.now() - started) };
}

describe('the streams\' shared heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats each stream every HEARTBEAT_MS, the first up to a tick sooner, whenever it started', () => {
    const first = stream();
    startBeating(first);
    vi.advanceTimersByTime(2_500);
    const second = stream();
    startBeating(second);
    vi.advanceTimersByTime(3 * HEARTBEAT_MS);
    stopBeating(first);
    stopBeating(second);
    expect(first.beats).toEqual([HEARTBEAT_MS, 2 * HEARTBEAT_MS, 3 * HEARTBEAT_MS]);
    // Started half a tick after the timer's last: its turns come half a tick short of each heartbeat.
    expect(second.beats).toEqual([HEARTBEAT_MS - 500, 2 * HEARTBEAT_MS - 500, 3 * HEARTBEAT_MS - 500]);
  });

  it('beats a stream no more once it stops, and keeps no timer once none beats', () => {
    const kept = stream();
    const stopped = stream();
    startBeating(kept);
    startBeating(stopped);
    vi.advanceTimersByTime(HEARTBEAT_MS);
    stopBeating(stopped);
    stopBeating(stopped);
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(stopped.beats).toHaveLength(1);
    expect(kept.beats).toHaveLength(2);
    stopBeating(kept);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets a stream stop from within its own beat', () => {
    const ending: Beating & { beats: number } = { beats: 0, beat: () => ((ending.beats += 1), stopBeating(ending)) };
    const other = stream();
    startBeating(ending);
    startBeating(other);
    vi.advanceTimersByTime(2 * HEARTBEAT_MS);
    stopBeating(other);
    expect(ending.beats).toBe(1);
    expect(other.beats).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});
