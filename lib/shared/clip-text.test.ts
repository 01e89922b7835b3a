import { describe, expect, it } from 'vitest';
import { clipText } from './clip-text';

describe('clipText', () => {
  it('leaves text within the limit as it is', () => {
    expect(clipText('demo', 4)).toBe('demo');
    expect(clipText('😀', 2)).toBe('😀');
  });

  it('cuts at the limit, or one unit before it rather than between the halves of a pair', () => {
    expect(clipText('abcdef', 4)).toBe('abcd');
    expect(clipText('abc😀', 4)).toBe('abc');
    expect(clipText('ab😀c', 4)).toBe('ab😀');
    expect(clipText('😀'.repeat(60), 101)).toBe('😀'.repeat(50));
    expect(clipText('😀'.repeat(60), 101).isWellFormed()).toBe(true);
  });
});
