import 'server-only';
import { HttpError } from './http';

/**
 * Refuses a state-changing request that a browser sent from another site, on top of SameSite=Lax.
 * Browsers send `Sec-Fetch-Site` (all current ones) or at least `Origin` on such requests; a client
 * that sends neither is not a browser acting for someone else, so it is let through.
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'Cross-site requests are not allowed');
  const origin = request.headers.get('origin');
  if (origin === null) return;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  if (!host || originHost !== host) throw new HttpError(403, 'Cross-site requests are not allowed');
}
