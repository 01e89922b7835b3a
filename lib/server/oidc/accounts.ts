import 'server-only';
import { config } from '../config';
import { ACCOUNT_NAME_MAX, accountName } from '../sign-in/account-name';
import type { User } from '../sign-in/users';

/**
 * The name this app gives a person who signs in through the provider: their `preferred_username` (else their `sub`),
 * then `@` and the provider's host, `alice@id.example.com`. No local account has an `@` in its name, so none can be
 * taken by a provider's user of the same name, nor can two providers' users meet. The provider's session is not
 * this app's: the name is all the app keeps of them, and the session it starts is like any other.
 */

/**
 * What a name must not hold: control and format characters (bidirectional overrides, zero-width ones, which would let
 * one name show as another in the lists), private-use, unassigned, lone surrogates (no store could key them) and U+FFFD.
 */
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\uFFFD]/u;

/**
 * The longest `sub`, `sid` (and logout token `jti`) kept or taken: they are short opaque strings at every provider. A
 * sign-in whose `sub` or `sid` is longer is refused, as its session could never be found by a logout.
 */
export const PROVIDER_CLAIM_MAX = 255;

/**
 * Whether `value` is such a string: not empty, at most `PROVIDER_CLAIM_MAX` long, and with no control character or lone
 * surrogate, which no store could key (Postgres refuses a NUL, `encodeURIComponent` a lone surrogate).
 */
export const isProviderClaim = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && value.length <= PROVIDER_CLAIM_MAX && !/[\p{Cc}\p{Cs}]/u.test(value);

/** `@id.example.com`, or `undefined` when no provider is set. */
function suffix(): string | undefined {
  const oidc = config().oidc;
  return oidc && `@${new URL(oidc.issuer).host}`;
}

/**
 * The username for the ID token's claims, or `undefined` when neither claim makes one short enough to keep.
 * `preferred_username` is compared as a typed name is (case and width folded); `sub` is the provider's own key,
 * case and all.
 */
export function providerUsername(claims: { sub: string; preferred_username?: unknown }): string | undefined {
  const at = suffix();
  if (!at) return undefined;
  const preferred = typeof claims.preferred_username === 'string' ? accountName(claims.preferred_username) : '';
  for (const name of [preferred, claims.sub]) {
    if (name !== '' && !UNSHOWABLE.test(name) && name.length + at.length <= ACCOUNT_NAME_MAX) return `${name}${at}`;
  }
  return undefined;
}

/** The user behind a name `providerUsername` gave, while that provider is the one set. Every such user is a `user`. */
export function providerUser(username: string): User | undefined {
  const at = suffix();
  if (!at || !username.endsWith(at) || username.length === at.length) return undefined;
  return { username, displayName: username.slice(0, -at.length), role: 'user' };
}
