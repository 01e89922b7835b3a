import type { NextRequest } from 'next/server';
import { appOrigin } from '@/lib/server/oidc/app-origin';
import { handle, isForm, readForm } from '@/lib/server/http/respond';
import { assertSameOrigin } from '@/lib/server/http/same-origin';
import { providerSignOut } from '@/lib/server/oidc/sign-out';
import { CLEAR_CACHE, signOut } from '@/lib/server/session/session';
import { END_AT_PROVIDER, SESSION_TAG_FIELD } from '@/lib/shared/provider-sign-out';
import { seeOther } from '@/lib/server/oidc/redirects';

/**
 * The Sign out button's form, posted when JavaScript is off, and always by the button that ends the provider's session
 * too: ends the session the page was rendered for, then goes to the login page, or through the provider's end-session
 * page, which comes back to it (and when that cannot be, the login page says so). A page of an older session posts
 * nothing that ends the newer one: the browser goes to the dashboard of the session it holds. A route handler, not a server action: an action answers with Next's own response, which can set cookies but no
 * other header, and a sign-out must tell the browser to drop what it cached of the signed-in pages.
 */
export const POST = handle(async (request: NextRequest) => {
  assertSameOrigin(request);
  // The form's fields; a post with no form body (or another kind) has none.
  const form = isForm(request) ? await readForm(request) : new URLSearchParams();
  // The session the page was rendered for: the cookie may name a newer one by now (a sign-in in another tab).
  const meant = form.get(SESSION_TAG_FIELD) ?? undefined;
  const signedOut = await signOut(request.cookies, meant);
  if (!signedOut.ok) return seeOther(new URL('/dashboard', appOrigin(request)));
  const { wanted, url } = await providerSignOut(appOrigin(request), signedOut.value, form.get(END_AT_PROVIDER.name) === END_AT_PROVIDER.value);
  const location = url?.href ?? `/login?reason=signed-out${wanted ? '&provider=still-signed-in' : ''}`;
  return new Response(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store', ...CLEAR_CACHE } });
});
