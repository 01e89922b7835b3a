import 'server-only';
import type { ProviderProblem } from '../../shared/provider-problems';

/** A 303 to `url`: the browser follows it with a GET, and no cache keeps the answer. */
export function seeOther(url: URL): Response {
  return new Response(null, { status: 303, headers: { Location: url.href, 'Cache-Control': 'no-store' } });
}

/** The login page, saying why a sign-in through the provider did not happen, and where to go after the next. */
export function loginPageUrl(origin: string, { returnTo, provider }: { returnTo: string | null; provider?: ProviderProblem }): URL {
  const url = new URL('/login', origin);
  if (provider) url.searchParams.set('provider', provider);
  if (returnTo) url.searchParams.set('returnTo', returnTo);
  return url;
}
