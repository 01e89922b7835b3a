import type { NextRequest } from 'next/server';
import { handle } from '@/lib/server/http/respond';
import { assertSameOrigin } from '@/lib/server/http/same-origin';
import { CLEAR_CACHE, signOut } from '@/lib/server/session/session';

/**
 * The Sign out button's form, posted when JavaScript is off: ends the session and goes to the login page.
 * A route handler, not a server action: an action answers with Next's own response, which can set cookies
 * but no other header, and a sign-out must tell the browser to drop what it cached of the signed-in pages.
 */
export const POST = handle(async (request: NextRequest) => {
  assertSameOrigin(request);
  await signOut(request.cookies);
  return new Response(null, { status: 303, headers: { Location: '/login?reason=signed-out', 'Cache-Control': 'no-store', ...CLEAR_CACHE } });
});
