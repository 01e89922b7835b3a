import type { NextRequest } from 'next/server';
import { config } from '@/lib/server/config';
import { appOrigin } from '@/lib/server/oidc/app-origin';
import { handle, json } from '@/lib/server/http/respond';
import { isCrossSite } from '@/lib/server/http/same-origin';
import { providerUser } from '@/lib/server/oidc/accounts';
import { loginPageUrl, seeOther } from '@/lib/server/oidc/redirects';
import { beginProviderFlow } from '@/lib/server/oidc/sign-in';
import { readSession } from '@/lib/server/session/session';
import { confirmPath, readPendingAction } from '@/lib/server/step-up/pending-action';

/**
 * "Sign in with …" (and, with `purpose=confirm`, "Confirm it's you" for a session that signed in through the
 * provider): sends the browser to the OpenID provider, its flow sealed in a cookie. Only from this app's own pages
 * (or typed in): another site could otherwise start flows in a visitor's browser, each replacing the last.
 */
export const GET = handle(async (request: NextRequest) => {
  if (!config().oidc) return json({ error: 'Signing in through an OpenID provider is not set up here' }, 404);
  const { searchParams } = request.nextUrl;
  const origin = appOrigin(request);
  const returnTo = searchParams.get('returnTo');
  if (isCrossSite(request.headers)) return seeOther(loginPageUrl(origin, { returnTo }));
  if (searchParams.get('purpose') !== 'confirm') {
    const begun = await beginProviderFlow(origin, { purpose: 'sign-in', returnTo });
    return seeOther(begun.ok ? begun.value : loginPageUrl(origin, { returnTo, provider: begun.reason }));
  }
  // Only the provider can confirm its own users; anyone else confirms with their password. And only from this app's
  // own "Confirm it's you" page, which names what will be done: a link from anywhere else (a mail, typed in) goes there.
  const pending = readPendingAction((name) => searchParams.get(name));
  const read = await readSession(request.cookies);
  if (!read.ok) return seeOther(loginPageUrl(origin, { returnTo }));
  if (!providerUser(read.value.user.username) || !fromOwnPage(request, origin)) return seeOther(new URL(confirmPath(pending, returnTo), origin));
  const begun = await beginProviderFlow(origin, { purpose: 'confirm', returnTo, ...(pending ? { pending } : {}) });
  if (begun.ok) return seeOther(begun.value);
  const back = new URL(confirmPath(pending, returnTo), origin);
  back.searchParams.set('provider', begun.reason);
  return seeOther(back);
});

/** Sent by a page of this app: `Sec-Fetch-Site: same-origin`, or, from a browser that sends no such header, a Referer of this origin. */
function fromOwnPage(request: NextRequest, origin: string): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin';
  try {
    return new URL(request.headers.get('referer') ?? '').origin === origin;
  } catch {
    return false;
  }
}
