import 'server-only';
import { formatDuration } from '../../shared/duration';
import { isProviderProblem, type ProviderProblem } from '../../shared/provider-problems';
import { config } from '../config';

/** What the page says when a sign-in (the login page) or a confirmation ("Confirm it's you") through the provider did nothing. */
const WORDS: Record<ProviderProblem, (provider: string, doing: { what: string; outcome: string }, maxAge: string) => { heading: string; sentence: string }> = {
  unreachable: (provider, { outcome }) => ({
    heading: `${provider} cannot be reached`,
    sentence: `${provider} did not answer, so ${outcome}. Try again in a moment.`,
  }),
  cancelled: (provider, { what }) => ({
    heading: `${what} with ${provider} was cancelled`,
    sentence: `It was cancelled at ${provider}, and nothing was changed. Start again when you are ready.`,
  }),
  failed: (provider, { what, outcome }) => ({
    heading: `${what} with ${provider} did not work`,
    sentence: `The answer that came back from ${provider} could not be trusted, so ${outcome}. Start again with the button below.`,
  }),
  expired: (provider, { what }) => ({
    heading: `${what} with ${provider} took too long`,
    sentence: 'More than 10 minutes passed, or it was started again in another tab. Start again with the button below.',
  }),
  stale: (provider, { outcome }, maxAge) => ({
    heading: `${provider} did not ask for your password`,
    sentence: `${provider} vouched for a sign-in older than ${maxAge}, which this app does not accept, so ${outcome}. Start again with the button below.`,
  }),
  'still-signed-in': (provider) => ({
    heading: `You are still signed in at ${provider}`,
    sentence: `You have signed out here, but your session at ${provider} could not be ended from here. On a computer others use, sign out at ${provider} too.`,
  }),
};

const DOING = {
  'sign-in': { what: 'Signing in', outcome: 'you are not signed in' },
  confirm: { what: 'Confirming it was you', outcome: 'nothing was done' },
} as const;

/** The notice for `?provider=` on the page of a sign-in or a confirmation, if it names a problem and a provider is set. */
export function describeProviderProblem(problem: unknown, purpose: keyof typeof DOING): { reason: string; heading: string; sentence: string } | undefined {
  const { oidc, policy } = config();
  if (!oidc || !isProviderProblem(problem)) return undefined;
  // A confirmation asks for a sign-in made just now; a sign-in for one no older than its max age.
  const maxAge = purpose === 'confirm' ? 'a few seconds' : formatDuration(oidc.maxAgeMs ?? policy.idleMs.user);
  return { reason: `provider-${problem}`, ...WORDS[problem](oidc.providerName, DOING[purpose], maxAge) };
}
