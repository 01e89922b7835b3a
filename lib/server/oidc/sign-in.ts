import 'server-only';
import { cookies } from 'next/headers';
import * as client from 'openid-client';
import type { Ok, Refused } from '../../shared/result';
import type { PendingAction } from '../../shared/reauth-state';
import type { ProviderProblem } from '../../shared/provider-problems';
import type { NoSessionReason } from '../../shared/session-status';
import { safeReturnTo } from '../../shared/return-to';
import { config } from '../config';
import { readSession, startSession } from '../session/session';
import { confirmPath, performPendingAction, readPendingAction } from '../step-up/pending-action';
import { confirmationRefused, confirmedElsewhere } from '../step-up/reauth';
import { isProviderClaim, providerUser, providerUsername } from './accounts';
import { RETURN_TO_MAX, takeFlowCookie, writeFlowCookie, type Flow } from './flow-cookie';
import { isUnreachable, oidcSettings, providerConfiguration } from './provider';

/**
 * Signing in, and "Confirm it's you", through the OpenID provider: the authorization code flow with PKCE, `state` and
 * `nonce`, all checked by `openid-client`. Every sign-in asks for an authentication no older than `max_age`
 * (`OIDC_MAX_AGE`, else the idle lifetime of the role the session gets), and refuses an ID token whose `auth_time` is
 * older than asked, as a provider may ignore `max_age` (NIST SP 800-63C-4): after the app's idle sign-out, a provider
 * session still open cannot sign the next person at the keyboard back in without a password. A confirmation asks
 * with `max_age=0`: the person types their password at the provider, now.
 */

/** Where the provider sends the browser back: registered with the provider as this app's redirect URI. */
export const CALLBACK_PATH = '/api/oidc/callback';

/**
 * A sign-in reads the provider's discovery document again when the last read is older than this: however many
 * requests come, the provider is asked at most once a second by each instance.
 */
const FRESH_BEFORE_LEAVING_MS = 1_000;

/** The `max_age` a sign-in asks for, in whole seconds. */
function signInMaxAgeS(): number {
  const { oidc, policy } = config();
  return Math.floor((oidc?.maxAgeMs ?? policy.idleMs.user) / 1000);
}

export interface FlowStart {
  purpose: Flow['purpose'];
  returnTo: unknown;
  pending?: PendingAction;
}

/**
 * The provider's authorization URL for this browser, and the flow sealed into its cookie; `unreachable` when the
 * provider does not answer its discovery.
 */
export async function beginProviderFlow(origin: string, { purpose, returnTo, pending }: FlowStart): Promise<Ok<URL> | Refused<'unreachable'>> {
  let configuration: client.Configuration;
  try {
    configuration = await providerConfiguration({ fresh: FRESH_BEFORE_LEAVING_MS });
  } catch (error) {
    console.error('The OpenID provider could not be reached', error);
    return { ok: false, reason: 'unreachable' };
  }
  const verifier = client.randomPKCECodeVerifier();
  const back = safeReturnTo(returnTo);
  const flow: Flow = {
    purpose,
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier,
    maxAgeS: purpose === 'confirm' ? 0 : signInMaxAgeS(),
    returnTo: back.length <= RETURN_TO_MAX ? back : safeReturnTo(undefined),
    startedAt: Date.now(),
    ...(pending ? { pending } : {}),
  };
  await writeFlowCookie(flow);
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
    max_age: String(flow.maxAgeS),
    // A confirmation asks for the password now: `prompt=login` too, for a provider that reads max_age=0 loosely.
    ...(purpose === 'confirm' ? { prompt: 'login' } : {}),
  });
  return { ok: true, value: url };
}

/**
 * Signed in (or confirmed): where to go now. Not: why, and the page to say it on (`retryAt`, a path with its query):
 * the login page for a sign-in, "Confirm it's you" for a confirmation, with what was waiting for it.
 */
export type ProviderReturn = Ok<{ returnTo: string }> | Refused<ProviderProblem | 'no-session', { retryAt: string }>;

/**
 * Where a return that signed nobody in, or confirmed nothing, sends the browser. `ended`: why the session to confirm
 * is gone (a sign-in of someone else at the provider ends the person's session there, and so here), for the login page.
 */
function retryPage(flow: Pick<Flow, 'purpose' | 'returnTo' | 'pending'> | undefined, reason: ProviderProblem | 'no-session', ended?: NoSessionReason): string {
  const returnTo = flow?.returnTo ?? safeReturnTo(undefined);
  const query = new URLSearchParams(reason === 'no-session' ? { ...(ended && ended !== 'no-session' ? { reason: ended } : {}), returnTo } : { provider: reason, returnTo });
  if (flow?.purpose !== 'confirm' || reason === 'no-session') return `/login?${query}`;
  return `${confirmPath(pendingOf(flow), returnTo)}&provider=${reason}`;
}

/** What a confirmation was asked for, read again as the query of `/confirm` is: the flow's seal grants nothing more. */
const pendingOf = (flow: Pick<Flow, 'pending'>) => readPendingAction((name) => flow.pending?.[name as keyof NonNullable<Flow['pending']>]);

/**
 * The browser is back at `callbackUrl` (this app's origin, as sent): checks the answer, redeems the code, checks the
 * ID token; then starts this app's own session for the person it names, or, for a confirmation, marks the session's
 * presence proven (if the person is the session's own) and does what was waiting for it.
 */
export async function finishProviderFlow(callbackUrl: URL, userAgent: string): Promise<ProviderReturn> {
  const flow = await takeFlowCookie(callbackUrl.searchParams.get('state'));
  if (!flow) return { ok: false, reason: 'expired', retryAt: retryPage(undefined, 'expired') };
  const refused = (reason: ProviderProblem | 'no-session', ended?: NoSessionReason): ProviderReturn => ({ ok: false, reason, retryAt: retryPage(flow, reason, ended) });
  // The person said no at the provider, or it could not sign them in: said in the query, before any code.
  const error = callbackUrl.searchParams.get('error');
  if (error !== null) return refused(error === 'access_denied' ? 'cancelled' : 'failed');

  // A confirmation needs an authentication made after the browser left for it, however long the person took there;
  // a sign-in one no older than max_age when the browser is back.
  const maxAge = flow.purpose === 'confirm' ? Math.max(0, Math.ceil((Date.now() - flow.startedAt) / 1000)) : flow.maxAgeS;
  let claims: client.IDToken | undefined;
  let idToken: string | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(await providerConfiguration(), callbackUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      maxAge,
      idTokenExpected: true,
    });
    claims = tokens.claims();
    idToken = tokens.id_token;
  } catch (problem) {
    if (isUnreachable(problem)) {
      console.error('The OpenID provider could not be reached', problem);
      return refused('unreachable');
    }
    const stale = isStaleAuthentication(problem);
    console.warn('A return from the OpenID provider was refused:', problem instanceof Error ? `${problem.name}: ${problem.message}` : problem);
    return refused(stale ? 'stale' : 'failed');
  }
  const username = claims ? providerUsername(claims) : undefined;
  const user = username === undefined ? undefined : providerUser(username);
  if (!claims || !user || idToken === undefined) return refused('failed');
  // A session a logout could never find (a sub or sid no store can key, or too long to be one) is not started.
  const sid = claims.sid === undefined || claims.sid === '' ? undefined : claims.sid;
  if (!isProviderClaim(claims.sub) || (sid !== undefined && !isProviderClaim(sid))) return refused('failed');
  const provider = oidcSettings().providerName;
  // The password was typed at `auth_time`, perhaps a while ago: that is the proof of presence, not this return.
  const authenticatedAt = typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : Date.now();

  if (flow.purpose === 'sign-in') {
    const providerLink = { subject: claims.sub, idToken, ...(sid === undefined ? {} : { sessionId: sid }) };
    await startSession(user, false, userAgent, { provider, authenticatedAt, providerLink });
    return { ok: true, value: { returnTo: flow.returnTo } };
  }
  // A confirmation proves presence only for the session's own person: someone else signed in at the provider
  // changes nothing here, and is written down as a failed confirmation.
  const read = await readSession(await cookies());
  if (!read.ok) return refused('no-session', read.reason);
  if (read.value.user.username !== user.username) {
    await confirmationRefused(read.value, { userAgent, provider, reason: 'another-person' });
    return refused('failed');
  }
  if (!(await confirmedElsewhere(read.value, { userAgent, provider })).ok) return refused('no-session');
  const pending = pendingOf(flow);
  if (pending) await performPendingAction(pending);
  return { ok: true, value: { returnTo: flow.returnTo } };
}

/**
 * Whether the ID token was refused for its `auth_time`, older than `max_age` allows: `openid-client` says so in the
 * chain of causes of its timestamp error (`claim: 'auth_time'`), not in the message it leads with.
 */
function isStaleAuthentication(error: unknown): boolean {
  for (let at: unknown = error, depth = 0; at instanceof Object && depth < 4; at = (at as { cause?: unknown }).cause, depth += 1) {
    if ((at as { claim?: unknown }).claim === 'auth_time') return true;
  }
  return false;
}
