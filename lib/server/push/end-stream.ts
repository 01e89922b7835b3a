import 'server-only';
import type { NoSessionReason } from '../../shared/session-status';
import { config } from '../config';
import { json, noSession } from '../http/respond';
import { readSession, type CookieReader } from '../session/session';
import { tagOf } from '../session/tag';
import { keepsRecords } from '../stores';
import { closeOnShutdown, openStreams, watchEnd } from './end-watchers';
import { startBeating, stopBeating } from './heartbeats';

/**
 * The Server-Sent Events one browser holds open so that its screens leave the moment their session ends elsewhere
 * (`GET /api/session/events`). It reads the session and never extends it; it sends `event: ended` with the reason
 * and closes when the session ends, and a comment every `HEARTBEAT_MS`, at which it also reads the session again:
 * a stream whose session ended unheard (an instance whose channel was down) is closed within a heartbeat.
 */

/** A client that reads nothing lets its queue grow by a heartbeat at a time: past this many bytes, it is dropped. */
const UNREAD_LIMIT_BYTES = 16 * 1024;

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: Next's compression would otherwise hold the stream back to fill its buffer.
  'Cache-Control': 'no-store, no-transform',
  'X-Accel-Buffering': 'no',
};

const encoder = new TextEncoder();

export async function openEndStream(jar: CookieReader, signal: AbortSignal): Promise<Response> {
  // With SESSION_STORE=cookie nothing can end a session from elsewhere: there is nothing to tell, and 204 tells
  // EventSource not to try again.
  if (!keepsRecords()) return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  const read = await readSession(jar);
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
  const again = await readSession(jar).catch(async (error: unknown) => {
    await unwatch();
    throw error;
  });
  if (!again.ok) {
    await unwatch();
    return noSession(again.reason);
  }

  let finish = async (): Promise<void> => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let done = false;
      const send = (text: string) => {
        if (!done) controller.enqueue(encoder.encode(text));
      };
      const beat = async () => {
        if ((controller.desiredSize ?? 0) < -UNREAD_LIMIT_BYTES) return end();
        try {
          const now = await readSession(jar);
          if (!now.ok) return end(now.reason);
        } catch {
          // The store is away: the stream stays, and says nothing it does not know.
        }
        send(': ping\n\n');
      };
      const heartbeat = { beat: () => void beat() };
      startBeating(heartbeat);
      const forget = closeOnShutdown(() => void end());
      const end = async (reason?: NoSessionReason) => {
        if (done) return;
        if (reason) send(`event: ended\ndata: ${JSON.stringify({ reason, sessionTag: tagOf(sessionId) })}\n\n`);
        done = true;
        stopBeating(heartbeat);
        forget();
        await unwatch();
        try {
          controller.close();
        } catch {
          // Cancelled by the client already.
        }
      };
      finish = () => end();
      onEnd = (reason) => void end(reason);
      // At once, so the headers leave now: which session this stream watches (the browser's cookie may name a newer
      // one than the page's), and `retry`, EventSource's own wait before it reconnects.
      send(`retry: 5000\nevent: watching\ndata: ${JSON.stringify({ sessionTag: tagOf(sessionId) })}\n\n`);
      if (heard) void end(heard);
    },
    cancel: () => finish(),
  }, { highWaterMark: 0, size: (chunk) => chunk.byteLength });
  signal.addEventListener('abort', () => void finish(), { once: true });
  // A browser gone during the set-up above has aborted already, and no listener would hear it: close now.
  if (signal.aborted) void finish();
  return new Response(stream, { headers: HEADERS });
}
