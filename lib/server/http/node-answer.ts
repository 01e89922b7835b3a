import 'server-only';
import type { ServerResponse } from 'node:http';

/**
 * Sends a Fetch `Response` through Node's response, for the one handler that holds Node's response itself (the end
 * stream): its refusals are built by the same helpers (`json`, `noSession`, `errorAnswer`) as every route handler's.
 */
export async function sendAnswer(response: ServerResponse, answer: Response): Promise<void> {
  if (response.destroyed) return;
  for (const [name, value] of answer.headers) {
    if (name !== 'set-cookie') response.setHeader(name, value);
  }
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) response.setHeader('set-cookie', cookies);
  response.statusCode = answer.status;
  response.end(answer.body ? Buffer.from(await answer.arrayBuffer()) : undefined);
}
