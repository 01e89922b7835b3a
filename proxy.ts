import { NextResponse, type NextRequest } from 'next/server';
import { RETURN_TO_HEADER } from '@/lib/shared/return-to';

/**
 * A fresh nonce and Content-Security-Policy for every page, as Next's CSP guide describes: Next reads
 * the policy from the request headers and puts the nonce on its own scripts. No inline script or eval
 * is allowed otherwise ('unsafe-eval' and inline styles only in development, for React and Next's overlay).
 *
 * This never reads or extends the session: it also runs for prefetches, which are not activity.
 * The other security headers are static and set in next.config.js for every response.
 */
/**
 * What may be posted to a page: only the forms' server actions do, with a few hundred bytes. Next itself
 * would read a bigger post to its end and answer its own body limit with a 500; this refuses it from the
 * headers alone. Browsers always declare the length of a form post, so one without is not a browser's.
 */
const FORM_POST_MAX_BYTES = 16 * 1024;

function refusePost(request: NextRequest): NextResponse | undefined {
  if (request.method !== 'POST') return undefined;
  const length = request.headers.get('content-length');
  if (length === null) return NextResponse.json({ error: 'A form post must declare its Content-Length' }, { status: 411, headers: { Connection: 'close' } });
  if (!/^\d{1,9}$/.test(length) || Number(length) > FORM_POST_MAX_BYTES) {
    return NextResponse.json({ error: `A form post must be at most ${FORM_POST_MAX_BYTES} bytes` }, { status: 413, headers: { Connection: 'close' } });
  }
  return undefined;
}

/**
 * The OpenID provider's origin (`OIDC_ISSUER`, checked at start by lib/server/config.ts): "Sign in with …" is a form
 * whose answer redirects there, and browsers hold a form's redirects to `form-action` too.
 */
const PROVIDER_ORIGIN = originOf(process.env.OIDC_ISSUER);

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function proxy(request: NextRequest) {
  const refused = refusePost(request);
  if (refused) return refused;
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const development = process.env.NODE_ENV === 'development';
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    // Next's development overlay injects inline styles; a nonce would make browsers ignore 'unsafe-inline'.
    development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${PROVIDER_ORIGIN ? ` ${PROVIDER_ORIGIN}` : ''}`,
    "frame-ancestors 'none'",
    ...(request.nextUrl.protocol === 'https:' ? ['upgrade-insecure-requests'] : []),
  ].join('; ');

  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  // Set here whatever the client sent: the signed-in layout sends the user back to this path after signing in.
  headers.set(RETURN_TO_HEADER, request.nextUrl.pathname);
  headers.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

// Everything but the route handlers under /api/ (which check their own bodies), Next's static files and image
// optimiser, and the icon: a path that only starts like them (/apiX) is a page like any other.
export const config = {
  matcher: [{ source: '/((?!(?:api|_next/static|_next/image)(?:/|$)|favicon\\.ico$).*)' }],
};
