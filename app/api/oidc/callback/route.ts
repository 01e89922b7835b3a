import type { NextRequest } from 'next/server';
import { config } from '@/lib/server/config';
import { appOrigin } from '@/lib/server/oidc/app-origin';
import { handle, json } from '@/lib/server/http/respond';
import { seeOther } from '@/lib/server/oidc/redirects';
import { finishProviderFlow } from '@/lib/server/oidc/sign-in';

/**
 * The provider sends the browser back here (the redirect URI registered with it): signed in (or confirmed), on to
 * where the person was going; not, back to the login page saying why. Never a 5xx for what the browser brings.
 */
export const GET = handle(async (request: NextRequest) => {
  if (!config().oidc) return json({ error: 'Signing in through an OpenID provider is not set up here' }, 404);
  const { pathname, search } = request.nextUrl;
  const origin = appOrigin(request);
  const finished = await finishProviderFlow(new URL(`${pathname}${search}`, origin), request.headers.get('user-agent') ?? '');
  return seeOther(new URL(finished.ok ? finished.value.returnTo : finished.retryAt, origin));
});
