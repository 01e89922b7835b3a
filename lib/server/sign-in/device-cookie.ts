import 'server-only';
import { randomBytes } from 'node:crypto';
import { cookies } from 'next/headers';
import { config, cookieSecrets } from '../config';
import { signDeviceToken, verifyDeviceToken, type DeviceToken } from './device-token';

/**
 * OWASP's device cookie (https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies):
 * a browser that signed in as a user carries a signed note saying so. Its later sign-ins as that user
 * are throttled on their own rather than with everyone's guesses at the username, so an attacker who
 * locks the username out does not lock the user out. The note names the user but holds no secret.
 */
const LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

function cookieName(): string {
  // `__Host-`: Secure, Path=/ and no Domain, or the browser refuses it; no subdomain can plant one.
  return config().production ? '__Host-device' : 'device';
}

/**
 * The device cookie of this request, if this app signed it and it has not expired. One signed with the previous
 * secret is signed again with the current one, the same browser for the same time, so that it survives the next
 * rotation too (only route handlers and server actions read it, and both may set cookies).
 */
export async function readDeviceCookie(now: number): Promise<DeviceToken | undefined> {
  const value = (await cookies()).get(cookieName())?.value;
  if (!value) return undefined;
  const token = verifyDeviceToken(value, cookieSecrets(), now);
  if (!token) return undefined;
  const { stale, ...device } = token;
  if (stale) await setDeviceCookie(device, now);
  return device;
}

/** After a successful sign-in: a new cookie with a new id and a year to live, as OWASP recommends. */
export async function writeDeviceCookie(username: string, now: number): Promise<void> {
  await setDeviceCookie({ username, id: randomBytes(16).toString('base64url'), expiresAt: now + LIFETIME_MS }, now);
}

async function setDeviceCookie(device: DeviceToken, now: number): Promise<void> {
  const { secret, production } = config();
  // Only ever sent with this app's own sign-in requests: nothing cross-site needs it.
  (await cookies()).set(cookieName(), signDeviceToken(device, secret), {
    httpOnly: true,
    secure: production,
    sameSite: 'strict',
    path: '/',
    maxAge: Math.max(0, Math.floor((device.expiresAt - now) / 1000)),
  });
}
