import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { handle, json, noSession, readJson } from '@/lib/server/http/respond';
import { assertSameOrigin } from '@/lib/server/http/same-origin';
import { clearSessionCookie, keepAlive } from '@/lib/server/session/session';

const DAY_MS = 86_400_000;

const KeepAliveBody = z.object({
  /** How long ago the user was last active, by the client's clock; a duration, so clock skew does not matter. */
  idleMs: z.number().int().min(0).max(DAY_MS).optional().default(0),
});

/** Slides the idle deadline to the user's last activity; never moves the absolute one. */
export const POST = handle(async (request: NextRequest) => {
  assertSameOrigin(request);
  const { idleMs } = await readJson(request, KeepAliveBody, {});
  const outcome = await keepAlive(idleMs, request.cookies);
  if (outcome.ok) return json(outcome.value);
  await clearSessionCookie();
  return noSession(outcome.reason);
});
