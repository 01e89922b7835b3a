import { request } from 'node:http';

/**
 * POSTs JSON on a connection of its own (no keep-alive pool). Fetch reuses idle connections, and a
 * burst sent just as the server closes the idle ones from an earlier burst gets ECONNRESET: a race
 * of the client's pool, not an answer of the server.
 */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const outgoing = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, headers: headersOf(response.rawHeaders) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(data);
  });
}

/** Node's raw header list (name, value, name, value...) as a fetch `Headers`, which keeps each Set-Cookie line apart. */
function headersOf(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] ?? '', raw[i + 1] ?? '');
  return headers;
}
