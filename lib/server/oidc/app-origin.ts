import 'server-only';
import type { NextRequest } from 'next/server';
import { config } from '../config';

/**
 * The origin for the addresses handed to the OpenID provider (the redirect URI, the post-logout redirect URI):
 * `OIDC_APP_ORIGIN` where set, as it must be behind a proxy or a TLS front; else the address the server listens on.
 * Never the request's Host: with a provider that accepts redirect URIs by pattern, a Host of the attacker's choosing
 * would send a victim's code to the attacker's site.
 */
export function appOrigin(request: NextRequest): string {
  return config().oidc?.appOrigin ?? request.nextUrl.origin;
}
