import type { NextRequest } from 'next/server';
import { config } from '@/lib/server/config';
import { handle, json, readForm } from '@/lib/server/http/respond';
import { acceptLogoutToken } from '@/lib/server/oidc/back-channel';

/** What the provider is told of a refused token (Back-Channel Logout §2.8: 400, with an OAuth error); never which check failed. */
const REFUSED = { error: 'invalid_request', error_description: 'The logout token was not accepted' };

/**
 * The back-channel logout URI registered with the provider: it posts a logout token here, server to server, so there
 * is no browser and no cross-site check (nor any cookie); the body's limits hold as everywhere.
 */
export const POST = handle(async (request: NextRequest) => {
  if (!config().oidc) return json({ error: 'Signing in through an OpenID provider is not set up here' }, 404);
  const tokens = (await readForm(request)).getAll('logout_token');
  const [token] = tokens;
  if (tokens.length !== 1 || !token) return json({ error: 'invalid_request', error_description: 'The body must hold one logout_token' }, 400);
  const accepted = await acceptLogoutToken(token);
  if (accepted.ok) return json({ ended: accepted.value });
  if (accepted.reason === 'unreachable') return json({ error: 'temporarily_unavailable' }, 503, { 'Retry-After': '5' });
  console.warn(`A logout token was refused (${accepted.reason})`);
  return json(REFUSED, 400);
});
