import 'server-only';
import type { ServerResponse } from 'node:http';
import type { NoSessionReason } from '../../shared/session-status';
import { readSession, type CookieReader } from '../session/session';
import { tagOf } from '../session/tag';
import { closeOnShutdown } from './end-watchers';
import { startBeating, stopBeating, type Beating } from './heartbeats';

/** A client that reads nothing lets its queue grow by a heartbeat at a time: past this many bytes, it is dropped. */
const UNREAD_LIMIT_BYTES = 16 * 1024;

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: Next's compression would otherwise hold the stream back to fill its buffer.
  'Cache-Control': 'no-store, no-transform',
  'X-Accel-Buffering': 'no',
};

/**
 * One open end stream, from its first event to its close. It keeps Node's response, the cookies' strings and the
 * session's id, and nothing else of the request: a thousand of these live as long as their sessions.
 */
export class OpenEndStream implements Beating {
  #ended = false;
  readonly #forget: () => void;

  constructor(
    private readonly response: ServerResponse,
    private readonly cookies: CookieReader,
    private readonly sessionId: string,
    private readonly unwatch: () => Promise<void>,
  ) {
    // The headers leave at once, a HEAD's too (Node writes nothing else of it); then which session this stream
    // watches (the browser's cookie may name a newer one than the page's), and `retry`, EventSource's own wait before
    // it reconnects.
    response.writeHead(200, HEADERS).flushHeaders();
    this.#send(`retry: 5000\nevent: watching\ndata: ${JSON.stringify({ sessionTag: tagOf(sessionId) })}\n\n`);
    startBeating(this);
    this.#forget = closeOnShutdown(() => void this.end());
    // The browser gone (or the response ended): the stream lets go of its place.
    response.once('close', () => void this.end());
  }

  async beat(): Promise<void> {
    if (this.response.writableLength > UNREAD_LIMIT_BYTES) return this.end();
    try {
      const now = await readSession(this.cookies);
      if (!now.ok) return await this.end(now.reason);
    } catch {
      // The store is away: the stream stays, and says nothing it does not know.
    }
    this.#send(': ping\n\n');
  }

  /** Closes the stream, first telling the browser `reason` when its session has ended. */
  async end(reason?: NoSessionReason): Promise<void> {
    if (this.#ended) return;
    if (reason) this.#send(`event: ended\ndata: ${JSON.stringify({ reason, sessionTag: tagOf(this.sessionId) })}\n\n`);
    this.#ended = true;
    stopBeating(this);
    this.#forget();
    await this.unwatch();
    this.response.end();
  }

  #send(text: string): void {
    if (!this.#ended) this.response.write(text);
  }
}
