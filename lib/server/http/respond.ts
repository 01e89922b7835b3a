import 'server-only';
import type { z } from 'zod';
import type { NoSessionReason, NoSessionStatus } from '../../shared/session-status';
import { StoreUnavailableError } from '../stores/types';

/** Every session answer is personal and short-lived: no cache may keep it. */
const NO_STORE = { 'Cache-Control': 'no-store' } as const;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/** The answer about a session that is not there: why, in the public shape (401 unless a sign-out just ended it). */
export function noSession(reason: NoSessionReason, status = 401, headers: Record<string, string> = {}): Response {
  const body: NoSessionStatus = { authenticated: false, reason };
  return json(body, status, headers);
}

/** A failure with a status the client should see; everything else becomes a logged, generic 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 4096;
const tooLarge = () => new HttpError(413, `Request body must be at most ${MAX_BODY_BYTES} bytes`);

/** Decodes whole bodies only (never `stream: true`), so one decoder serves every request at once. */
const utf8 = new TextDecoder();

/**
 * The body as text, given up the moment it passes the limit. A declared Content-Length within it bounds the
 * body (Node's parser reads that many bytes and no more), so `request.text()` reads it at once. A chunked body
 * has no length to check first, and `request.text()` would hold all of it, however big, before anything could
 * count it: it is read as a stream instead, and its chunks decoded once, together (a small body is one chunk).
 */
async function readText(request: Request): Promise<string> {
  const length = request.headers.get('content-length');
  if (Number(length) > MAX_BODY_BYTES) throw tooLarge();
  // Node's parser refuses a malformed length, or one beside Transfer-Encoding; this holds behind any other server too.
  if (length !== null && /^\d{1,4}$/.test(length) && !request.headers.has('transfer-encoding')) return request.text();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      // Not awaited: the answer goes out now, whatever the client is still sending.
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}

/**
 * Reads and validates a small JSON body: 415 for another content type, 413 when too large,
 * 400 for malformed JSON or a body that does not match the schema. `emptyAs` accepts no body at all.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, emptyAs?: unknown): Promise<z.infer<S>> {
  const text = await readText(request);

  let body: unknown = emptyAs;
  if (text.trim() !== '' || emptyAs === undefined) {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(415, 'Content-Type must be application/json');
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'Request body is not valid JSON');
    }
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new HttpError(400, `Invalid request body: ${where}${issue?.message ?? 'unexpected shape'}`);
  }
  return result.data;
}

/** Whether the body is a plain form (`application/x-www-form-urlencoded`), as a browser's form and a provider post it. */
export const isForm = (request: Request): boolean => /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers.get('content-type') ?? '');

/** Reads a small form body (`application/x-www-form-urlencoded`, as a provider posts a logout token): 415 for another type, 413 when too large. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  if (!isForm(request)) throw new HttpError(415, 'Content-Type must be application/x-www-form-urlencoded');
  return new URLSearchParams(await readText(request));
}

/** What a handler's error becomes: JSON with the right status, never its details. */
export function errorAnswer(error: unknown): Response {
  if (error instanceof HttpError) return json({ error: error.message }, error.status);
  // Nothing was decided: no sign-in, no sign-out. The client may retry; Redis reconnects by itself.
  if (error instanceof StoreUnavailableError) {
    console.error('Session store unavailable', error.cause);
    return json({ error: 'The session service is unavailable. Please try again in a moment.' }, 503, { 'Retry-After': '5' });
  }
  console.error('Unhandled error in route handler', error);
  return json({ error: 'Something went wrong on our side' }, 500);
}

/** Wraps a route handler so that errors become JSON with the right status and never leak details. */
export function handle<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorAnswer(error);
    }
  };
}
