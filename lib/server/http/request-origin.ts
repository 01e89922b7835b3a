import 'server-only';
import type { NextRequest } from 'next/server';

/**
 * The origin the browser reached this app at, for the addresses the app hands the OpenID provider (its redirect URI,
 * where to come back after signing out there). Next's `nextUrl` names the host and port the server itself listens
 * on: behind a proxy or a TLS front that is not the browser's. The Host header is (a proxy passes it on), with the
 * scheme Next took from the connection or `X-Forwarded-Proto`. A forged Host only misleads the sender's own request:
 * the provider refuses any redirect URI it was not given.
 */
export function requestOrigin(request: NextRequest): string {
  const host = request.headers.get('host');
  if (!host) return request.nextUrl.origin;
  try {
    return new URL(`${request.nextUrl.protocol}//${host}`).origin;
  } catch {
    return request.nextUrl.origin;
  }
}
