import type { NextApiRequest, NextApiResponse } from 'next';
import { serveEndStream } from '@/lib/server/push/events-route';

/**
 * The session's end, told the moment it happens: Server-Sent Events, one stream per browser. Never extends the
 * session. An API route rather than a route handler for its memory: see lib/server/push/events-route.ts.
 */
export const config = {
  // A GET has no body to parse, a stream lasts as long as its session (its bytes with it), and the handler returns
  // while the response goes on, which Next would otherwise warn of.
  api: { bodyParser: false, responseLimit: false, externalResolver: true },
};

export default function events(request: NextApiRequest, response: NextApiResponse): Promise<void> {
  return serveEndStream(request, response);
}
