/**
 * The browser's calls to the session endpoints. Responses are checked before use: a proxy's error
 * page or a truncated body counts as a failed request, never as a session.
 */
import 'client-only';
import type { KeepAliveResult } from './timeout-controller';
import { isNoSessionReason, type ActiveStatus, type NoSessionReason } from '../shared/session-status';

const REQUEST_TIMEOUT_MS = 10_000;

function isActiveStatus(body: unknown): body is ActiveStatus {
  if (typeof body !== 'object' || body === null) return false;
  const status = body as Record<string, unknown>;
  return (
    status.authenticated === true &&
    typeof status.idleExpiresInMs === 'number' &&
    typeof status.absoluteExpiresInMs === 'number' &&
    typeof status.warningBeforeMs === 'number' &&
    typeof status.sessionTag === 'string'
  );
}

/** GET /api/session: the session as the server has it now (a status check never extends it). */
export function fetchStatus(): Promise<KeepAliveResult> {
  return readStatus(() => fetch('/api/session', { cache: 'no-store', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
}

export function sendKeepAlive(idleMs: number): Promise<KeepAliveResult> {
  return readStatus(() =>
    fetch('/api/session/keep-alive', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ idleMs: Math.round(idleMs) }),
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }),
  );
}

/** A status answer, checked: the session, why it has ended (401), or `unreachable` for anything else. */
async function readStatus(request: () => Promise<Response>): Promise<KeepAliveResult> {
  try {
    const response = await request();
    const body: unknown = await response.json().catch(() => null);
    if (response.ok && isActiveStatus(body)) return { ok: true, value: body };
    if (response.status === 401) {
      const reason = (body as { reason?: unknown } | null)?.reason;
      return { ok: false, reason: isNoSessionReason(reason) ? reason : 'no-session' };
    }
    return { ok: false, reason: 'unreachable' };
  } catch {
    return { ok: false, reason: 'unreachable' };
  }
}

/**
 * Ends the session on the server (unless another tab just did), then leaves for the login page, which
 * says why. The cookie is the browser's, not the tab's: the request names the tab's own session, and
 * when the cookie names another by now (someone signed in again in another tab) the server ends
 * nothing and answers 409; the page then reloads into the session the browser holds. A server set to end the
 * session at the OpenID provider too names where to go instead (`endSessionAt`).
 */
export async function leaveForLogin(
  reason: NoSessionReason,
  { endOnServer, sessionTag }: { endOnServer: boolean; sessionTag: string },
): Promise<void> {
  const query = new URLSearchParams({ reason });
  if (endOnServer) {
    try {
      const response = await fetch('/api/session', {
        method: 'DELETE',
        headers: { 'X-Session-Tag': sessionTag },
        cache: 'no-store',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (response.status === 409) return window.location.reload();
      // Set to end the session at the OpenID provider too: on through its end-session page, which comes back to the
      // login page; or, when that could not be, the login page says so.
      const { endSessionAt, provider } = (await response.json()) as { endSessionAt?: unknown; provider?: unknown };
      if (typeof endSessionAt === 'string' && /^https?:\/\//.test(endSessionAt)) return window.location.replace(endSessionAt);
      if (provider === 'still-signed-in') query.set('provider', provider);
    } catch {
      // Offline: the server's own deadline still ends the session; the login page must show either way.
    }
  }
  if (reason !== 'signed-out') query.set('returnTo', `${window.location.pathname}${window.location.search}`);
  // A full navigation, replacing the protected page in history: no client state of the old session survives.
  window.location.replace(`/login?${query}`);
}
