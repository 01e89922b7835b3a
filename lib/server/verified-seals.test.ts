import { describe, expect, it } from 'vitest';
import { VerifiedSeals } from './verified-seals';

// A seal as this app writes them is about 400 characters; the keys here are that long and all distinct.
const sealOf = (index: number) => `Fe26.2*${String(index).padStart(10, '0')}*${'a'.repeat(382)}~2`;

describe('verified seals', () => {
  it('hands back what was verified, for the very same seal only', () => {
    const seals = new VerifiedSeals<string>(10_000, 100);
    seals.set(sealOf(1), 'one');
    expect(seals.get(sealOf(1))).toBe('one');
    expect(seals.get(sealOf(2))).toBeUndefined();
    expect(seals.get(`${sealOf(1)} `)).toBeUndefined();
  });

  it('lets the oldest go first once the budget is spent, counting each seal by its length', () => {
    // Room for two entries of 400 + 100 bytes, not three.
    const seals = new VerifiedSeals<number>(1_200, 100);
    for (const index of [1, 2, 3]) seals.set(sealOf(index), index);
    expect(seals.size).toBe(2);
    expect(seals.get(sealOf(1))).toBeUndefined();
    expect([seals.get(sealOf(2)), seals.get(sealOf(3))]).toEqual([2, 3]);
    // Longer seals take more room: one of 1,100 characters leaves room for nothing else.
    seals.set('x'.repeat(1_100), 4);
    expect(seals.size).toBe(1);
  });

  it('counts a seal set twice once', () => {
    const seals = new VerifiedSeals<number>(1_200, 100);
    for (const index of [1, 1, 1, 2]) seals.set(sealOf(index), index);
    expect([seals.get(sealOf(1)), seals.get(sealOf(2))]).toEqual([1, 2]);
  });
});
