import type { NextRequest } from 'next/server';
import { config } from '@/lib/server/config';
import { requestOrigin } from '@/lib/server/http/request-origin';
import { handle, readForm } from '@/lib/server/http/respond';
import { assertSameOrigin } from '@/lib/server/http/same-origin';
import { endsAtProvider, providerSignOutUrl } from '@/lib/server/oidc/sign-out';
import { CLEAR_CACHE, signOut } from '@/lib/server/session/session';
import { END_AT_PROVIDER } from '@/lib/shared/provider-sign-out';

/**
 * The Sign out button's form, posted when JavaScript is off, and always by the button that ends the provider's session
 * too: ends the session, then goes to the login page, or through the provider's end-session page, which comes back to
 * it. A route handler, not a server action: an action answers with Next's own response, which can set cookies but no
 * other header, and a sign-out must tell the browser to drop what it cached of the signed-in pages.
 */
export const POST = handle(async (request: NextRequest) => {
  assertSameOrigin(request);
  const asked = await asksForProvider(request);
  const signedOut = await signOut(request.cookies);
  const provider = signedOut.ok ? signedOut.value : undefined;
  const origin = requestOrigin(request);
  const atProvider = provider && config().oidc && endsAtProvider(asked) ? await providerSignOutUrl(origin, provider) : undefined;
  const location = atProvider?.href ?? '/login?reason=signed-out';
  return new Response(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store', ...CLEAR_CACHE } });
});

/** Whether the form holds the provider button's field; a post with no form body (or another kind) asks for nothing. */
async function asksForProvider(request: NextRequest): Promise<boolean> {
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) return false;
  return (await readForm(request)).get(END_AT_PROVIDER.name) === END_AT_PROVIDER.value;
}
