import 'server-only';
import * as client from 'openid-client';
import { config } from '../config';
import type { OidcSettings } from './settings';

/**
 * The OpenID provider as `openid-client` knows it (OpenID Certified): its discovery document. A sign-in reads it again
 * when the last read is older than it allows (oidc/sign-in.ts), before it sends the browser there, so a provider that
 * is down is said on the login page, not by a browser's error page at its door. Reads at once share one request, and
 * a failed read never replaces a good one: a person coming back from the provider still finishes.
 */

/** How long any request to the provider may take: a sign-in waits for it, so a provider gone silent is told soon. */
const REQUEST_TIMEOUT_S = 5;

/**
 * How far the provider's clock may be from ours when a token's times are checked (`exp`, `iat`, and `auth_time`
 * against `max_age`). The library's default, 30 s, would let a confirmation accept a sign-in half a minute older than
 * the confirmation; servers kept by NTP are within a second.
 */
export const CLOCK_TOLERANCE_S = 5;

/** The provider could not be asked (its discovery, or the token request): the page says so, and nothing changed. */
export class ProviderUnreachableError extends Error {}

interface Discovery {
  settings: OidcSettings;
  at: number;
  configuration: client.Configuration;
}

let known: Discovery | undefined;
let reading: { settings: OidcSettings; discovery: Promise<Discovery> } | undefined;

export function oidcSettings(): OidcSettings {
  const oidc = config().oidc;
  if (!oidc) throw new Error('OIDC_ISSUER is not set: ask config().oidc first');
  return oidc;
}

/**
 * The provider's configuration: the last one read, if it is younger than `fresh` ms (the return from the provider
 * takes any), else read now. Throws `ProviderUnreachableError` for anything that keeps it from being read: the
 * network, a timeout, an error page, a discovery document that does not name the issuer set.
 */
export async function providerConfiguration({ fresh = Infinity }: { fresh?: number } = {}): Promise<client.Configuration> {
  const settings = oidcSettings();
  if (known?.settings === settings && Date.now() - known.at < fresh) return known.configuration;
  if (reading?.settings !== settings) reading = { settings, discovery: discover(settings) };
  const current = reading.discovery;
  try {
    known = await current;
    return known.configuration;
  } catch (error) {
    throw new ProviderUnreachableError('The OpenID provider\'s discovery document could not be read', { cause: error });
  } finally {
    if (reading?.discovery === current) reading = undefined;
  }
}

/**
 * What every bundle of this process has learned of the provider's discovery document (plain data, never a
 * `Configuration`, which belongs to its bundle's copy of `openid-client`): Next builds the route handlers and the
 * pages into bundles of their own, each with its own copy of this module, and a page must know what the sign-in's
 * route handler read.
 */
const LEARNED_KEY = Symbol.for('session-timeout:oidc-discovered');
interface Learned {
  issuer?: string;
  endSessionEndpoint?: string;
  /** When a page last asked for the document in the background: at most every 30 s, should the provider be down. */
  askedAt?: number;
}
const learned: Learned = ((globalThis as { [LEARNED_KEY]?: Learned })[LEARNED_KEY] ??= {});
const ASK_AGAIN_AFTER_MS = 30_000;

/**
 * The provider's end-session endpoint as last read by any part of this process, without waiting for the provider: a
 * page that only shows or hides a button does not wait on it. Nothing read yet (a new instance): one is read in the
 * background for the next page.
 */
export function knownEndSessionEndpoint(): string | undefined {
  const { issuer } = oidcSettings();
  if (learned.issuer === issuer) return learned.endSessionEndpoint;
  const now = Date.now();
  if (learned.askedAt === undefined || now - learned.askedAt >= ASK_AGAIN_AFTER_MS) {
    learned.askedAt = now;
    providerConfiguration().catch(() => undefined);
  }
  return undefined;
}

async function discover(settings: OidcSettings): Promise<Discovery> {
  // http:// only reaches this far for a loopback issuer (oidc/settings.ts).
  const insecure = new URL(settings.issuer).protocol === 'http:';
  const configuration = await client.discovery(
    new URL(settings.issuer),
    settings.clientId,
    { client_secret: settings.clientSecret, [client.clockTolerance]: CLOCK_TOLERANCE_S },
    undefined,
    { timeout: REQUEST_TIMEOUT_S, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
  );
  const { end_session_endpoint: endSessionEndpoint } = configuration.serverMetadata();
  Object.assign(learned, { issuer: settings.issuer, endSessionEndpoint });
  return { settings, at: Date.now(), configuration };
}

/** A network failure or a timeout, or the provider answering 5xx: nothing the user or the app did wrong. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ProviderUnreachableError) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 500) return true;
  return error.cause !== undefined && error.cause !== error && isUnreachable(error.cause);
}
