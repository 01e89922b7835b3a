import 'server-only';
import type { ServerResponse } from 'node:http';
import type { NoSessionReason } from '../../shared/session-status';
import { config } from '../config';
import { json, noSession } from '../http/respond';
import { readSession, type CookieReader } from '../session/session';
import { keepsRecords } from '../stores';
import { OpenEndStream } from './open-end-stream';
import { openStreams, watchEnd } from './end-watchers';

/**
 * The Server-Sent Events one browser holds open so that its screens leave the moment their session ends elsewhere
 * (`GET /api/session/events`). It reads the session and never extends it; it sends `event: ended` with the reason
 * and closes when the session ends, and a comment every `HEARTBEAT_MS`, at which it also reads the session again:
 * a stream whose session ended unheard (an instance whose channel was down) is closed within a heartbeat.
 *
 * Returns the answer to send instead of a stream, or `undefined` once the stream is open on `response` (or the
 * browser left while it was being set up).
 */
export async function openEndStream(cookies: CookieReader, response: ServerResponse): Promise<Response | undefined> {
  // With SESSION_STORE=cookie nothing can end a session from elsewhere: there is nothing to tell, and 204 tells
  // EventSource not to try again.
  if (!keepsRecords()) return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  const read = await readSession(cookies);
  if (!read.ok) return noSession(read.reason);
  const { sessionId, username } = read.value.session;
  // Past either limit the page goes on as without a stream: its status checks and keep-alives find the end.
  if (openStreams() >= config().streamsMax) return json({ error: 'Too many open session streams here: check the session instead' }, 503, { 'Retry-After': '60' });
  if (openStreams(username) >= config().maxSessionsPerUser) return json({ error: 'Too many open session streams for this user' }, 429, { 'Retry-After': '60' });

  // Watched before the stream starts, so that a store that cannot be listened on answers 503, not a stream that says
  // nothing; an end heard before the stream starts waits for it.
  let heard: NoSessionReason | undefined;
  let onEnd = (reason: NoSessionReason) => void (heard ??= reason);
  const unwatch = await watchEnd(username, sessionId, (reason) => onEnd(reason));
  // An end between the first read and the watch would go unheard: read once more, now that it would be heard.
  const again = await readSession(cookies).catch(async (error: unknown) => {
    await unwatch();
    throw error;
  });
  if (!again.ok) {
    await unwatch();
    return noSession(again.reason);
  }
  // A browser gone during the set-up above is told nothing, and holds no place.
  if (response.destroyed) {
    await unwatch();
    return undefined;
  }
  const stream = new OpenEndStream(response, cookies, sessionId, unwatch);
  onEnd = (reason) => void stream.end(reason);
  if (heard) void stream.end(heard);
  return undefined;
}
