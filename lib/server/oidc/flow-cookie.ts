import 'server-only';
import { cookies } from 'next/headers';
import { z } from 'zod';
import { config, cookieSecrets } from '../config';
import { seal, unseal } from '../session/seal';

/**
 * What a sign-in (or a confirmation) through the provider must remember between sending the browser there and its
 * return to `/api/oidc/callback`: the PKCE verifier, `state`, `nonce`, the `max_age` asked for, and where to go after. Sealed
 * into a short-lived cookie rather than kept in memory, so that the instance the browser returns to need not be the
 * one it left from; the callback reads it once and clears it, so a code or a callback URL cannot be used twice.
 */
const LIFETIME_S = 10 * 60;

/**
 * Longer than any flow this app seals (about 500 characters, 3 KB with the longest `returnTo` kept), within what a
 * browser keeps of one cookie; a longer one is refused before any crypto.
 */
const MAX_SEAL_LENGTH = 4096;

/** The longest `returnTo` a flow keeps; a longer one goes back to the dashboard (oidc/sign-in.ts). */
export const RETURN_TO_MAX = 1024;

export const Flow = z.object({
  /** A sign-in, or "Confirm it's you" for a session that signed in through the provider. */
  purpose: z.enum(['sign-in', 'confirm']),
  state: z.string().min(16).max(128),
  nonce: z.string().min(16).max(128),
  verifier: z.string().min(43).max(128),
  /** Seconds, as `max_age` was sent. */
  maxAgeS: z.int().nonnegative(),
  returnTo: z.string().min(1).max(RETURN_TO_MAX),
  /** When the browser was sent to the provider (epoch ms): a confirmation needs an authentication after it. */
  startedAt: z.int().nonnegative(),
  /** What "Confirm it's you" was asked for, done on the return (step-up/pending-action.ts reads it again then). */
  pending: z.object({ then: z.string().max(32), sessionId: z.string().max(64).optional() }).optional(),
});
export type Flow = z.infer<typeof Flow>;

function cookieName(): string {
  // `__Host-`: Secure, Path=/ and no Domain, so no other origin can plant a flow of its own. Lax: the provider sends
  // the browser back with a top-level GET, which carries a Lax cookie and nothing cross-site can read.
  return config().production ? '__Host-oidc-flow' : 'oidc-flow';
}

const attributes = () => ({ httpOnly: true, sameSite: 'lax', path: '/', secure: config().production }) as const;

export async function writeFlowCookie(flow: Flow): Promise<void> {
  (await cookies()).set(cookieName(), await seal(flow, cookieSecrets(), LIFETIME_S), { ...attributes(), maxAge: LIFETIME_S });
}

/**
 * The flow this browser started at most ten minutes ago whose `state` is the one the provider sent back, and clears
 * it: it is good for one return only. A return with another `state` (a tab whose flow another tab's replaced, a link
 * from elsewhere) gets nothing and leaves the cookie for the return it belongs to; one that cannot be read is cleared.
 */
export async function takeFlowCookie(state: string | null): Promise<Flow | undefined> {
  const jar = await cookies();
  const value = jar.get(cookieName())?.value;
  if (!value) return undefined;
  const clear = () => jar.set(cookieName(), '', { ...attributes(), maxAge: 0 });
  const read = value.length > MAX_SEAL_LENGTH ? undefined : await unseal(value, cookieSecrets(), LIFETIME_S);
  const flow = read?.ok ? Flow.safeParse(read.value.data) : undefined;
  if (!flow?.success) {
    clear();
    return undefined;
  }
  if (state === null || flow.data.state !== state) return undefined;
  clear();
  return flow.data;
}
