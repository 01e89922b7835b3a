import 'server-only';
import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Role } from '../../shared/session-policy';
import { providerUser } from '../oidc/accounts';

export interface User {
  username: string;
  displayName: string;
  role: Role;
}

interface StoredUser extends User {
  /** `scrypt$N$r$p$salt$hash`, base64url; made with `node scripts/hash-password.mjs <password>`. */
  passwordHash: string;
}

/**
 * The demo's built-in accounts. Their passwords are printed on the login page; only hashes live here. No name holds an
 * `@`: that is how the names of the OpenID provider's users end (`oidc/accounts.ts`), so neither can take the other's.
 */
const DEMO_USERS: readonly StoredUser[] = [
  {
    username: 'demo',
    displayName: 'Demo User',
    role: 'user',
    passwordHash: 'scrypt$16384$8$1$6BMF_E2iGSd2yXjJdamc0Q$sM-RS9dhkTuwJXo3XcvX_2t1O2ijO5Qg8zIvQV1E_5E',
  },
  {
    username: 'admin',
    displayName: 'Admin User',
    role: 'admin',
    passwordHash: 'scrypt$16384$8$1$YiMlUl7sxgWCYotBAU18-g$035K1IAkxidQ4r7Guzf8iCc5iqY8xXygvNflNcf0zi8',
  },
];

export const DEMO_CREDENTIALS = [
  { username: 'demo', password: 'demo-password', role: 'user' },
  { username: 'admin', password: 'admin-password', role: 'admin' },
] as const;

// Checked against when the username is unknown, so "no such user" costs the same time as "wrong password".
const DECOY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

async function matches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** The user a session names: a local account, or a person the OpenID provider vouched for (`oidc/accounts.ts`). */
export function findUser(username: string): User | undefined {
  const stored = DEMO_USERS.find((user) => user.username === username);
  return stored ? { username: stored.username, displayName: stored.displayName, role: stored.role } : providerUser(username);
}

/** The user these credentials belong to, or `undefined`; always does one full scrypt. */
export async function verifyCredentials(username: string, password: string): Promise<User | undefined> {
  const stored = DEMO_USERS.find((user) => user.username === username);
  const ok = await matches(password, stored?.passwordHash ?? DECOY_HASH);
  return ok && stored ? { username: stored.username, displayName: stored.displayName, role: stored.role } : undefined;
}
