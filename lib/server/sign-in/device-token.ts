// No 'server-only' marker: no secret lives here (callers pass them in), so the tests sign device cookies with it too. Lint keeps the browser out.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Secrets } from '../session/seal';

/** What a device cookie says: this browser signed in as `username` before. `id` names the browser for the throttle. */
export interface DeviceToken {
  username: string;
  id: string;
  expiresAt: number;
}

// `d1.<username, base64url>.<id: 16 random bytes>.<expiry, epoch ms>.<HMAC-SHA256, base64url>`, and nothing else.
const FORMAT = /^d1\.([A-Za-z0-9_-]{1,600})\.([A-Za-z0-9_-]{22})\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/;

const keys = new Map<string, Buffer>();

// A key of its own, derived from the session secret, so that no signature made for one purpose passes for the other.
function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, '', 'device cookie', 32));
    keys.set(secret, key);
  }
  return key;
}

const signature = (body: string, secret: string) => createHmac('sha256', keyFor(secret)).update(body).digest('base64url');

export function signDeviceToken(token: DeviceToken, secret: string): string {
  const body = `d1.${Buffer.from(token.username).toString('base64url')}.${token.id}.${token.expiresAt}`;
  return `${body}.${signature(body, secret)}`;
}

/**
 * The token, when `value` is exactly one this app signed with the current or the previous secret and it has not
 * expired; `stale` when the previous one signed it, so that it is signed again before a second rotation drops it.
 */
export function verifyDeviceToken(value: string, secrets: Secrets, now: number): (DeviceToken & { stale: boolean }) | undefined {
  const match = FORMAT.exec(value);
  if (!match) return undefined;
  const [, username = '', id = '', expires = '', given = ''] = match;
  const body = value.slice(0, value.length - given.length - 1);
  // The signatures are compared as text: two base64url strings can decode to the same bytes.
  const signedBy = [secrets.current, secrets.previous].findIndex(
    (secret) => secret !== undefined && timingSafeEqual(Buffer.from(signature(body, secret)), Buffer.from(given)),
  );
  const expiresAt = Number(expires);
  if (signedBy < 0 || !(expiresAt > now)) return undefined;
  return { username: Buffer.from(username, 'base64url').toString('utf8'), id, expiresAt, stale: signedBy > 0 };
}
