import 'server-only';
import { clipText } from '../../shared/clip-text';
import { accountName } from './account-name';
import { EVENT_TEXT_MAX } from '../stores/event-schema';
import { config } from '../config';
import { readDeviceCookie, writeDeviceCookie } from './device-cookie';
import { startSession } from '../session/session';
import { recordEvent } from '../events/event-log';
import type { Ok, Refused } from '../../shared/result';
import type { ActiveStatus } from '../../shared/session-status';
import { attemptStore } from '../stores';
import { firstInWindow } from '../events/once-per-window';
import { admitAttempt, type Admission } from './throttle';
import { verifyCredentials, type User } from './users';

export interface SignInInput {
  username: string;
  password: string;
  remember: boolean;
}

export interface ClientInfo {
  /** The client's address as the server saw it (see `clientInfo`); the key of the per-address throttle. */
  address: string;
  userAgent: string;
}

export type SignInResult = Ok<ActiveStatus> | Refused<'invalid-credentials'> | Refused<'throttled', { retryAfterS: number }>;

/**
 * The client's address and browser from request headers. Next fills `X-Forwarded-For` with the
 * socket's address when the request has none; behind a proxy, the proxy's last entry is the one it saw.
 */
export function clientInfo(headers: Headers): ClientInfo {
  const forwarded = headers.get('x-forwarded-for') ?? '';
  const address = clipText(forwarded.split(',').at(-1)?.trim() ?? '', EVENT_TEXT_MAX.address) || 'unknown';
  return { address, userAgent: headers.get('user-agent') ?? '' };
}

// Usernames are compared as the user would (`accountName`): case, width and surrounding spaces do not make a new key.
const userKey = (username: string) => `user:${accountName(username)}`;
const addressKey = (address: string) => `addr:${address}`;
const deviceKey = (id: string) => `device:${id}`;

/**
 * The whole sign-in decision, for the JSON endpoint and the form's server action alike.
 *
 * Attempts are counted per username (known or not, so the answer never tells them apart) and per
 * client address, in fixed windows, and reserved before the password is checked (see `admitAttempt`):
 * past either limit the answer is "throttled" with the time left, before any password check. Otherwise
 * exactly one scrypt runs whether the user exists or not, so "no such user" and "wrong password" take
 * the same time and get the same answer.
 *
 * A browser with a valid device cookie for this username is counted under that cookie instead of the
 * username, with the same limit (see `device-cookie.ts`): whoever locks the username out by guessing,
 * the user's own browser still signs in, and guesses made from it lock only it. The per-address limit
 * applies to everyone. A success forgets the failures of the key it was counted under, the username's
 * or the device's; a trusted browser's success leaves the username's failures alone, or each sign-in
 * of the user would hand the guessers a fresh budget. The address's failures stay.
 */
export async function attemptSignIn(input: SignInInput, client: ClientInfo): Promise<SignInResult> {
  const checked = await checkCredentials(input, client);
  if (!checked.ok && checked.reason === 'throttled') {
    if (firstRefusal('sign-in', checked)) {
      await recordEvent({
        kind: 'sign-in-throttled',
        username: accountName(input.username) || '(none)',
        actor: { by: 'user' },
        details: { address: client.address, userAgent: client.userAgent, reason: checked.limitedBy },
      });
    }
    return { ok: false, reason: 'throttled', retryAfterS: checked.retryAfterS };
  }
  if (!checked.ok) return checked;
  const user = checked.value;
  const status = await startSession(user, input.remember, client.userAgent);
  await writeDeviceCookie(user.username, Date.now());
  return { ok: true, value: status };
}

/**
 * `limitedBy`: whose limit refused it, the username's (or its trusted browser's) or the address's; `refusedBy` the
 * throttle keys that did.
 */
export type CredentialCheck =
  | Ok<User>
  | Refused<'invalid-credentials'>
  | Refused<'throttled', { retryAfterS: number; limitedBy: 'user' | 'address'; refusedBy: readonly string[] }>;

function throttled(refused: Extract<Admission, { ok: false }>): CredentialCheck {
  const limitedBy = refused.refusedBy.every((key) => key.startsWith('addr:')) ? 'address' : 'user';
  return { ok: false, reason: 'throttled', retryAfterS: refused.retryAfterS, limitedBy, refusedBy: refused.refusedBy };
}

/**
 * Whether this refusal is the first of its keys' window for `what` (a sign-in, a confirmation) in this process: a
 * guesser refused a thousand times writes one event, not a thousand, and one refused by the username's limit writes
 * one whatever number of addresses it comes from (each key costs its full budget of password checks first).
 */
export function firstRefusal(what: 'sign-in' | 'confirmation', { refusedBy, retryAfterS }: { refusedBy: readonly string[]; retryAfterS: number }): boolean {
  // JSON, not a join: a key holds a typed name, which may hold any separator.
  return firstInWindow(`${what}:${JSON.stringify(refusedBy)}`, Date.now() + retryAfterS * 1000);
}

/**
 * The password check behind the throttle, for a sign-in and a re-authentication alike: a wrong password
 * typed into "Confirm it's you" counts against the same username, device and address as one at the login page.
 */
export async function checkCredentials({ username, password }: { username: string; password: string }, client: ClientInfo): Promise<CredentialCheck> {
  const { throttle } = config();
  const store = attemptStore();
  const device = await readDeviceCookie(Date.now());
  const trusted = device !== undefined && accountName(device.username) === accountName(username);
  // Counted under the trusted browser, or else the username; the address is counted for everyone.
  const limits = [
    { key: trusted ? deviceKey(device.id) : userKey(username), max: throttle.maxFailuresPerUser },
    { key: addressKey(client.address), max: throttle.maxFailuresPerAddress },
  ];
  const attempt = await admitAttempt(store, limits, throttle.windowMs);
  if (!attempt.ok) return throttled(attempt);

  const checking = attempt.value;
  const user = await verifyCredentials(accountName(username), password).catch(async (error: unknown) => {
    await checking.withdraw();
    throw error;
  });
  // Checked so late that its reservation had lapsed (thousands of checks queued at once): other attempts may have
  // been let in on its room meanwhile. Its answer is given only if its keys still have room now, as if it had just
  // arrived; else it is refused as they refuse anyone, and its answer never told.
  let held = checking;
  if (Date.now() >= held.heldUntil) {
    const again = await admitAttempt(store, limits, throttle.windowMs);
    await held.withdraw();
    if (!again.ok) return throttled(again);
    held = again.value;
  }
  if (!user) {
    await held.failed();
    return { ok: false, reason: 'invalid-credentials' };
  }
  await held.succeeded();
  return { ok: true, value: user };
}
