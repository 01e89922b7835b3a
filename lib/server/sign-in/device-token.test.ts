import { describe, expect, it } from 'vitest';
import { signDeviceToken, verifyDeviceToken } from './device-token';

const SECRET = 'unit-test-secret-that-is-long-enough-0123';
const OLD = 'the-secret-before-the-rotation-0123456789';
const NOW = 1_800_000_000_000;
const token = { username: 'demo', id: 'AAAAAAAAAAAAAAAAAAAAAA', expiresAt: NOW + 1_000 };

describe('device tokens', () => {
  it('read back what was signed, with the current or the previous secret, and say which (stale: the previous)', () => {
    expect(verifyDeviceToken(signDeviceToken(token, SECRET), { current: SECRET }, NOW)).toEqual({ ...token, stale: false });
    expect(verifyDeviceToken(signDeviceToken(token, OLD), { current: SECRET, previous: OLD }, NOW)).toEqual({ ...token, stale: true });
    const unicode = { ...token, username: 'zoë.o\'brien 😀' };
    expect(verifyDeviceToken(signDeviceToken(unicode, SECRET), { current: SECRET }, NOW)).toEqual({ ...unicode, stale: false });
  });

  it('expire at their expiry, to the millisecond', () => {
    const value = signDeviceToken(token, SECRET);
    expect(verifyDeviceToken(value, { current: SECRET }, token.expiresAt - 1)).toEqual({ ...token, stale: false });
    expect(verifyDeviceToken(value, { current: SECRET }, token.expiresAt)).toBeUndefined();
  });

  it('refuse a token signed with another secret, or with the previous one once it is gone', () => {
    expect(verifyDeviceToken(signDeviceToken(token, OLD), { current: SECRET }, NOW)).toBeUndefined();
    expect(verifyDeviceToken(signDeviceToken(token, 'a-third-secret-that-is-long-enough-0123456'), { current: SECRET, previous: OLD }, NOW)).toBeUndefined();
  });

  it('refuse every single-character change, and every truncation or addition', () => {
    const value = signDeviceToken(token, SECRET);
    const alphabet = 'Ad0._-';
    for (let at = 0; at < value.length; at += 1) {
      for (const replacement of alphabet) {
        if (value[at] === replacement) continue;
        const changed = value.slice(0, at) + replacement + value.slice(at + 1);
        expect(verifyDeviceToken(changed, { current: SECRET }, NOW), changed).toBeUndefined();
      }
      expect(verifyDeviceToken(value.slice(0, at), { current: SECRET }, NOW)).toBeUndefined();
    }
    for (const suffix of ['A', '.', '~2', ' ', '\n']) expect(verifyDeviceToken(value + suffix, { current: SECRET }, NOW)).toBeUndefined();
    expect(verifyDeviceToken(` ${value}`, { current: SECRET }, NOW)).toBeUndefined();
  });

  it('do not pass one user\'s signature off as another\'s', () => {
    const [, , ...rest] = signDeviceToken({ ...token, username: 'admin' }, SECRET).split('.');
    const renamed = ['d1', Buffer.from('demo').toString('base64url'), ...rest].join('.');
    expect(verifyDeviceToken(renamed, { current: SECRET }, NOW)).toBeUndefined();
  });

  it('refuse junk quickly', () => {
    for (const junk of ['', 'd1', 'd1....', 'x'.repeat(10_000), `d1.${'A'.repeat(100_000)}.x.1.y`]) {
      const started = performance.now();
      expect(verifyDeviceToken(junk, { current: SECRET }, NOW)).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(50);
    }
  });
});
