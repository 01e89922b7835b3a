import 'server-only';
import { randomUUID } from 'node:crypto';
import { clipText } from '../../shared/clip-text';
import type { EventActor, EventDetails, EventKind } from '../../shared/session-events';
import type { EndReason } from '../../shared/session-status';
import { tagOf } from '../session/tag';
import { keepsRecords, sessionStore, type SessionRecord, type SessionStore } from '../stores';
import { EVENT_TEXT_MAX, type SessionEvent } from '../stores/event-schema';
import { announceEnd } from '../push/end-watchers';
import type { EndedRecord } from '../stores/types';

/**
 * The session event log: every event is written when it happens, by the code that made it happen, as one JSON
 * line on standard output (for log shippers, in every mode) and into the session store beside the sessions.
 *
 * Never a reason for a request to fail: an event the store cannot take (Redis down, a full disk) is still on
 * standard output, and the failure is logged. The line comes first, so a crash between the two loses the stored
 * copy at most. The store write comes after the change it reports, in a step of its own (docs/event-log.md).
 */

export interface EventInput {
  kind: EventKind;
  username: string;
  /** The session's id, when the event is about one; only its tag is written. */
  sessionId?: string;
  actor: EventActor;
  details?: EventDetails;
  /** When it happened, if not now: an idle or absolute end is dated at its deadline. */
  at?: number;
}

const clip = (text: string | undefined, max: number) => (text === undefined ? undefined : clipText(text, max));

export function buildEvent({ kind, username, sessionId, actor, details = {}, at = Date.now() }: EventInput): SessionEvent {
  const kept: SessionEvent['details'] = {};
  if (details.userAgent !== undefined) kept.userAgent = clip(details.userAgent, EVENT_TEXT_MAX.userAgent);
  if (details.address !== undefined) kept.address = clip(details.address, EVENT_TEXT_MAX.address);
  if (details.reason !== undefined) kept.reason = details.reason;
  if (details.afterMs !== undefined) kept.afterMs = Math.max(0, Math.round(details.afterMs));
  if (details.provider !== undefined) kept.provider = clip(details.provider, EVENT_TEXT_MAX.provider);
  return {
    id: randomUUID(),
    at,
    kind,
    username: clip(username, EVENT_TEXT_MAX.username) ?? username,
    ...(sessionId === undefined ? {} : { sessionTag: tagOf(sessionId) }),
    actor,
    details: kept,
  };
}

/**
 * Writes one event: a line on standard output, then the store (the process's, unless `SESSION_STORE=cookie`;
 * the sweep names the one it swept). Never throws.
 */
export async function recordEvent(input: EventInput, store?: SessionStore): Promise<void> {
  const event = buildEvent(input);
  process.stdout.write(`${JSON.stringify({ sessionEvent: event })}\n`);
  const target = store ?? (keepsRecords() ? sessionStore() : undefined);
  if (!target) return;
  try {
    await target.appendEvent(event);
  } catch (error) {
    console.warn(`Could not store the session event ${event.id} (${event.kind}); it is on standard output only`, error);
  }
}

/**
 * The event of a record that has just ended, named as its end reason and dated when it ended (an idle or absolute
 * end at its deadline), and the word to its open screens (push/end-watchers.ts). `actor`: who ended it.
 */
export async function recordEnd(record: SessionRecord, actor: EventActor = { by: 'system' }, store?: SessionStore): Promise<void> {
  const reason = record.endReason;
  if (reason === undefined) return;
  // Every end passes here: its screens are told now, wherever they are open. Not the deadlines' ends, which each
  // page reaches by its own clock at the same moment (and a sweep of a backlog would announce thousands), nor a
  // session replaced by a sign-in in the same browser, whose tabs would hear it before the browser holds the new
  // cookie: they reload into the new session at their next request, or the stream's next heartbeat.
  const announced = reason === 'idle' || reason === 'absolute' || reason === 'replaced' ? undefined : announceEnd(record);
  const kind: EventKind = reason;
  const afterMs = reason === 'idle' ? record.expiresAt - record.lastActivityAt : reason === 'absolute' ? record.expiresAt - record.createdAt : undefined;
  await recordEvent({
    kind,
    username: record.username,
    sessionId: record.id,
    actor,
    at: record.endedAt,
    details: { userAgent: record.userAgent, ...(afterMs === undefined ? {} : { afterMs }) },
  }, store);
  await announced;
}

/**
 * Ends the record `id` for `reason` at `at`, and writes its event only if this call is what ended it: a record ended
 * before (a sign-out that won the race, a copy of a cookie signed out already, even one sent in the same millisecond
 * for the same reason) keeps its first end and writes nothing.
 * Returns the record as it then is.
 */
export async function endAndRecord(id: string, reason: EndReason, at: number, actor: EventActor, username?: string): Promise<EndedRecord | undefined> {
  const ended = await sessionStore().end(id, reason, at, username);
  if (ended?.endedNow) await recordEnd(ended, actor);
  return ended;
}
