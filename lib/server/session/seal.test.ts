import { describe, expect, it } from 'vitest';
import { passwordId, seal, unseal } from './seal';

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
    expect(await unseal(sealed, { current: NEW, previous: OLD }, 60)).toEqual({ ok: true, value: { data: DATA, stale: true } });
    expect(await unseal(sealed, { current: OLD }, 60)).toEqual({ ok: true, value: { data: DATA, stale: false } });
  });

  it('seals with the current secret only', async () => {
    const sealed = await seal(DATA, { current: NEW, previous: OLD }, 60);
    expect(await unseal(sealed, { current: NEW }, 60)).toEqual({ ok: true, value: { data: DATA, stale: false } });
    expect(await unseal(sealed, { current: OLD }, 60)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses seals of an unknown secret, and garbage', async () => {
    const foreign = await seal(DATA, { current: OTHER }, 60);
    for (const value of [foreign, '', 'Fe26.2*1*', 'x'.repeat(5000), `${foreign}x`, foreign.slice(0, 50)]) {
      expect(await unseal(value, { current: NEW, previous: OLD }, 60)).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});

describe('the exact format iron-session writes', () => {
  const SECRETS = { current: NEW };
  /** Another spelling of the HMAC's last character that base64 decoders read as the same bytes (its two spare bits differ). */
  function respellLast(digest: string): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const value = alphabet.indexOf(digest.at(-1) ?? 'A');
    return digest.slice(0, -1) + (alphabet[value ^ 1] ?? 'A');
  }

  it('is what seal() writes, and reads back', async () => {
    const sealed = await seal(DATA, SECRETS, 60);
    expect(sealed).toMatch(/^Fe26\.2\*\d+\*[0-9a-f]{64}\*[\w-]{22}\*[\w-]+\*\d+\*[0-9a-f]{64}\*[\w-]{43}~2$/);
    expect(await unseal(sealed, SECRETS, 60)).toEqual({ ok: true, value: { data: DATA, stale: false } });
  });

  it('refuses every other spelling of a valid seal', async () => {
    // A digest with '-' or '_' in it, so that the other alphabet spells it differently (three seals in four have one).
    let sealed = await seal(DATA, SECRETS, 60);
    while (!/[-_][\w-]*~2$/.test(sealed.slice(sealed.lastIndexOf('*')))) sealed = await seal(DATA, SECRETS, 60);
    const body = sealed.slice(0, -'~2'.length);
    const parts = body.split('*');
    const digest = parts[7] ?? '';
    const withDigest = (spelling: string) => `${[...parts.slice(0, 7), spelling].join('*')}~2`;
    const respellings = {
      'bytes after the suffix': `${sealed}x`,
      'the seal twice': `${sealed}${sealed}`,
      'the suffix twice': `${sealed}~2`,
      'no suffix': body,
      'another version': `${body}~3`,
      'a version with a leading zero': `${body}~02`,
      'a longer version': `${body}~20`,
      'a space before the suffix': `${body} ~2`,
      'the digest with other spare bits': withDigest(respellLast(digest)),
      'the digest with padding': withDigest(`${digest}=`),
      'the digest with a space in it': withDigest(`${digest.slice(0, 10)} ${digest.slice(10)}`),
      'the digest in the other base64 alphabet': withDigest(digest.replaceAll('-', '+').replaceAll('_', '/')),
    };
    for (const [name, value] of Object.entries(respellings)) {
      expect(value, name).not.toBe(sealed);
      expect.soft(await unseal(value, SECRETS, 60), name).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});
