import type { NextRequest } from 'next/server';
import { handle } from '@/lib/server/http/respond';
import { openEndStream } from '@/lib/server/push/end-stream';

/** The session's end, told the moment it happens: Server-Sent Events, one stream per browser. Never extends the session. */
export const GET = handle((request: NextRequest) => openEndStream(request.cookies, request.signal));
