import { json } from '@/lib/server/http';

/**
 * A health check for load balancers: answers without touching the session or the store. It is also the
 * benchmark's bare route, the floor that the session endpoints are measured against.
 */
export function GET() {
  return json({ ok: true });
}
