import 'server-only';
import * as client from 'openid-client';
import type { ProviderLink } from '../stores';
import { config } from '../config';
import { knownEndSessionEndpoint, oidcSettings, providerConfiguration } from './provider';

/** Where the provider sends the browser after ending its session: registered with it as a post-logout redirect URI. */
export const AFTER_PROVIDER_SIGN_OUT_PATH = '/login';

/**
 * Where a sign-out goes on to, to end the person's session at the provider too (RP-initiated logout): for a session
 * signed in through the provider (`providerLink`), with `OIDC_PROVIDER_SIGN_OUT=always`, or `offer` when they pressed
 * the button that offers it (`asked`). `wanted` without `url`: it should have, and could not (the provider cannot be
 * reached, or the session holds no link to its sign-in there): the login page then says so.
 */
export async function providerSignOut(origin: string, providerLink: ProviderLink | undefined, asked: boolean): Promise<{ wanted: boolean; url?: URL }> {
  const oidc = config().oidc;
  if (!oidc) return { wanted: false };
  if (!providerLink) return { wanted: asked };
  const wanted = oidc.providerSignOut === 'always' || (oidc.providerSignOut === 'offer' && asked);
  if (!wanted) return { wanted };
  const url = await providerSignOutUrl(origin, providerLink);
  return url ? { wanted, url } : { wanted };
}

/**
 * Whether this app can end the person's session at the provider: set to (`OIDC_PROVIDER_SIGN_OUT` not `never`), and
 * the provider publishes an end-session endpoint, in the discovery document this instance last read (a sign-in
 * through the provider read it; a page never waits on the provider).
 */
export function canEndAtProvider(): boolean {
  if (oidcSettings().providerSignOut === 'never') return false;
  return knownEndSessionEndpoint() !== undefined;
}

/**
 * The provider's end-session address for the sign-in behind a session just ended, with its ID token as the hint, so
 * the provider knows whose session to end without asking who; `undefined` when the provider has no end-session
 * endpoint or cannot be reached (the session here has ended all the same; the log says why the provider's has not).
 */
async function providerSignOutUrl(origin: string, providerLink: ProviderLink): Promise<URL | undefined> {
  try {
    return client.buildEndSessionUrl(await providerConfiguration(), {
      id_token_hint: providerLink.idToken,
      post_logout_redirect_uri: `${origin}${AFTER_PROVIDER_SIGN_OUT_PATH}`,
    });
  } catch (error) {
    console.warn('The session at the OpenID provider was not ended: it has no end-session endpoint, or could not be reached', error);
    return undefined;
  }
}
