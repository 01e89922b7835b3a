import 'server-only';
import { z } from 'zod';
import type { PendingAction } from '../shared/reauth-state';
import { safeReturnTo } from '../shared/return-to';
import { revokeSession } from './all-sessions';
import { endMyOtherSessions } from './my-sessions';

/**
 * Without JavaScript a sensitive action that needs the password first sends the browser to `/confirm`, naming
 * the action in the query; once the password is confirmed, the action is done there and the browser goes back.
 * Only these actions can be named, each checked again when it runs: the query grants nothing.
 */

const PendingSchema = z.discriminatedUnion('then', [
  z.object({ then: z.literal('sign-out-others') }),
  z.object({ then: z.literal('end-session'), sessionId: z.uuid() }),
]) satisfies z.ZodType<PendingAction>;

/** The action named by a query or form (`then`, `sessionId`), or `undefined` for none or for anything else. */
export function readPendingAction(get: (name: string) => unknown): PendingAction | undefined {
  const then = get('then');
  if (then === null || then === undefined) return undefined;
  const sessionId = get('sessionId');
  const parsed = PendingSchema.safeParse({ then, ...(typeof sessionId === 'string' ? { sessionId } : {}) });
  return parsed.success ? parsed.data : undefined;
}

/** The page that asks for the password, then does `action` and returns to `returnTo`. */
export function confirmPath(action: PendingAction, returnTo: string): string {
  return `/confirm?${new URLSearchParams({ ...action, returnTo: safeReturnTo(returnTo) })}`;
}

/** Does the pending action; it checks the session, the role and the proof of presence itself. */
export async function performPendingAction(action: PendingAction): Promise<void> {
  if (action.then === 'sign-out-others') await endMyOtherSessions();
  else await revokeSession(action.sessionId);
}
