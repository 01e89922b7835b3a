import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NextRequest } from 'next/server';
import { sendAnswer } from '../http/node-answer';
import { errorAnswer } from '../http/respond';
import type { CookieReader } from '../session/session';
import { openEndStream } from './end-stream';

/**
 * `GET /api/session/events` on Node's own request and response. A route handler's response is piped by Next's
 * request pipeline, all of which stays on the heap while the response lasts: 52 KiB a stream, against 12 KiB for
 * an API route, which Next hands Node's request and response and lets go. Other methods are answered as a route
 * handler that exports GET answers them.
 */
export async function serveEndStream(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let answer: Response | undefined;
  if (request.method === 'OPTIONS') answer = new Response(null, { status: 204, headers: { Allow: 'GET, HEAD, OPTIONS' } });
  else if (request.method !== 'GET' && request.method !== 'HEAD') answer = new Response(null, { status: 405 });
  else {
    try {
      answer = await openEndStream(new HeldCookies(request.headers.cookie), response);
    } catch (error) {
      answer = errorAnswer(error);
    }
  }
  if (answer) await sendAnswer(response, answer);
}

/**
 * The request's cookies, parsed by the very parser of a route handler's `request.cookies` (Next's public
 * `NextRequest`, made for that alone and let go), and kept as plain strings.
 */
class HeldCookies implements CookieReader {
  readonly #values = new Map<string, string>();

  constructor(header: string | undefined) {
    const { cookies } = new NextRequest('http://localhost/', { headers: header === undefined ? {} : { cookie: header } });
    for (const { name, value } of cookies.getAll()) this.#values.set(name, value);
  }

  get(name: string): { value: string } | undefined {
    const value = this.#values.get(name);
    return value === undefined ? undefined : { value };
  }
}
