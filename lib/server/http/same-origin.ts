import 'server-only';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { HttpError } from './respond';

/**
 * Whether a browser sent this state-changing request from another site, on top of SameSite=Lax.
 * Browsers send `Sec-Fetch-Site` (all current ones) or at least `Origin` on such requests; a client
 * that sends neither is not a browser acting for someone else, so it is let through.
 */
export function isCrossSite(headers: Pick<Headers, 'get'>): boolean {
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return true;
  const origin = headers.get('origin');
  if (origin === null) return false;
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  return !host || originHost !== host;
}

/** For route handlers: a cross-site request gets 403. */
export function assertSameOrigin(request: Request): void {
  if (isCrossSite(request.headers)) throw new HttpError(403, 'Cross-site requests are not allowed');
}

/**
 * For server actions, first thing: a cross-site post does nothing and gets a 404 page. Next's own
 * check compares Origin with the host but lets a post without an Origin through, whatever its
 * Sec-Fetch-Site says; and an action has no stable way to answer 403 (`forbidden()` is experimental).
 */
export async function refuseCrossSiteAction(): Promise<void> {
  if (isCrossSite(await headers())) notFound();
}
