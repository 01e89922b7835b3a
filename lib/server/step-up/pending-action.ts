import 'server-only';
import { z } from 'zod';
import type { PendingAction } from '../../shared/reauth-state';
import { safeReturnTo } from '../../shared/return-to';
import { endSessionAsAdmin } from '../lists/all-sessions';
import { signOutOtherSessions } from '../lists/my-sessions';
import { getSession } from '../session/session';
import { keepsRecords, sessionStore } from '../stores';
import { describeUserAgent } from '../http/user-agent';

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

/** The page that asks for the password, then does `action` (if any) and returns to `returnTo`. */
export function confirmPath(action: PendingAction | undefined, returnTo: unknown): string {
  return `/confirm?${new URLSearchParams({ ...action, returnTo: safeReturnTo(returnTo) })}`;
}

/**
 * What confirming will do, for "Enter your password to …": the page must name the action a link sent the browser
 * there to do, and not only ask for the password. A session to end is named by its user and browser, to an
 * administrator only (anyone else would be refused it anyway, and learns nothing here).
 */
export async function describePendingAction(action: PendingAction): Promise<string> {
  if (action.then === 'sign-out-others') return 'sign out your other sessions';
  const read = await getSession();
  const record = read.ok && read.value.user.role === 'admin' && keepsRecords() ? await sessionStore().get(action.sessionId) : undefined;
  if (!record) return 'end a session';
  if (record.endReason !== undefined) return `end the session of ${record.username} on ${describeUserAgent(record.userAgent)}, which has ended already`;
  return `end the session of ${record.username} on ${describeUserAgent(record.userAgent)}`;
}

/** Does the pending action; it checks the session, the role and the proof of presence itself. */
export async function performPendingAction(action: PendingAction): Promise<void> {
  if (action.then === 'sign-out-others') await signOutOtherSessions();
  else await endSessionAsAdmin(action.sessionId);
}
