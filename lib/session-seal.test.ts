import { describe, expect, it } from 'vitest';
import { passwordId, seal, unseal } from './session-seal';

const OLD = 'old-secret-old-secret-old-secret-0000';
const NEW = 'new-secret-new-secret-new-secret-1111';
const OTHER = 'another-secret-another-secret-2222222';
const DATA = { v: 2, sid: 'x' };

describe('secret rotation', () => {
  it('gives each secret a stable numeric id of its own', () => {
    expect(passwordId(OLD)).toBe(passwordId(OLD));
    expect(passwordId(OLD)).not.toBe(passwordId(NEW));
    expect(Number.isInteger(passwordId(NEW))).toBe(true);
  });

  it('reads a seal of the previous secret, and says it needs resealing', async () => {
    const sealed = await seal(DATA, { current: OLD }, 60);
    expect(await unseal(sealed, { current: NEW, previous: OLD }, 60)).toEqual({ data: DATA, stale: true });
    expect(await unseal(sealed, { current: OLD }, 60)).toEqual({ data: DATA, stale: false });
  });

  it('seals with the current secret only', async () => {
    const sealed = await seal(DATA, { current: NEW, previous: OLD }, 60);
    expect(await unseal(sealed, { current: NEW }, 60)).toEqual({ data: DATA, stale: false });
    expect(await unseal(sealed, { current: OLD }, 60)).toBeUndefined();
  });

  it('refuses seals of an unknown secret, and garbage', async () => {
    const foreign = await seal(DATA, { current: OTHER }, 60);
    for (const value of [foreign, '', 'Fe26.2*1*', 'x'.repeat(5000), `${foreign}x`, foreign.slice(0, 50)]) {
      expect(await unseal(value, { current: NEW, previous: OLD }, 60)).toBeUndefined();
    }
  });
});
