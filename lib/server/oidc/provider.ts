import 'server-only';
import * as client from 'openid-client';
import { config } from '../config';
import type { OidcSettings } from './settings';

/**
 * The OpenID provider as `openid-client` knows it (OpenID Certified): its discovery document. Every sign-in reads it
 * afresh before it sends the browser there (`fresh`), so a provider that is down is said on the login page, not by a
 * browser's error page at its door; the return from the provider uses what that read found.
 */

/** How long any request to the provider may take: a sign-in waits for it, so a provider gone silent is told soon. */
const REQUEST_TIMEOUT_S = 5;

/**
 * How far the provider's clock may be from ours when a token's times are checked (`exp`, `iat`, and `auth_time`
 * against `max_age`). The library's default, 30 s, would let a confirmation (`max_age=0`) accept a sign-in half a
 * minute old; servers kept by NTP are within a second.
 */
const CLOCK_TOLERANCE_S = 5;

/** The provider did not answer (discovery, or the token request): the login page says so, and nothing changed. */
export class ProviderUnreachableError extends Error {}

let discovered: { settings: OidcSettings; configuration: Promise<client.Configuration> } | undefined;

export function oidcSettings(): OidcSettings {
  const oidc = config().oidc;
  if (!oidc) throw new Error('OIDC_ISSUER is not set: ask config().oidc first');
  return oidc;
}

export function providerConfiguration({ fresh = false }: { fresh?: boolean } = {}): Promise<client.Configuration> {
  const settings = oidcSettings();
  if (fresh || discovered?.settings !== settings) {
    // http:// only reaches this far for a loopback issuer (oidc/settings.ts).
    const insecure = new URL(settings.issuer).protocol === 'http:';
    const configuration = client
      .discovery(new URL(settings.issuer), settings.clientId, { client_secret: settings.clientSecret, [client.clockTolerance]: CLOCK_TOLERANCE_S }, undefined, {
        timeout: REQUEST_TIMEOUT_S,
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        if (discovered?.configuration === configuration) discovered = undefined;
        throw isUnreachable(error) ? new ProviderUnreachableError('The OpenID provider did not answer its discovery request', { cause: error }) : error;
      });
    discovered = { settings, configuration };
  }
  return discovered.configuration;
}

/** A network failure or a timeout, or the provider answering 5xx: nothing the user or the app did wrong. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ProviderUnreachableError) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 500) return true;
  // openid-client wraps what fetch threw, and a discovery answered with an error page.
  const code = (error as { code?: unknown }).code;
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') return true;
  return error.cause !== undefined && error.cause !== error && isUnreachable(error.cause);
}
