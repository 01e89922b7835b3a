/**
 * Why a sign-in through the OpenID provider did not sign anyone in, as the callback sends the browser back to the
 * login page with it (`/login?provider=failed`); the page says each in words of its own.
 * `unreachable`: the provider did not answer. `cancelled`: the person said no there. `failed`: an answer that could
 * not be trusted (state, nonce, issuer, signature, a code used twice). `expired`: no sign-in of this browser's was
 * waiting (over ten minutes, or started again in another tab). `stale`: the provider vouched for an authentication
 * older than the app asked for. `still-signed-in`: a sign-out here that was to end the session at the provider too
 * could not (the provider did not answer, or has no end-session endpoint); the one here has ended.
 */
export const PROVIDER_PROBLEMS = ['unreachable', 'cancelled', 'failed', 'expired', 'stale', 'still-signed-in'] as const;
export type ProviderProblem = (typeof PROVIDER_PROBLEMS)[number];

export const isProviderProblem = (value: unknown): value is ProviderProblem => PROVIDER_PROBLEMS.includes(value as ProviderProblem);
