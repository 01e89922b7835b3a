import { json } from '@/lib/server/http/respond';

/**
 * A health check for load balancers: answers without touching the session or the store. It is also the
 * benchmark's bare route, the floor that the session endpoints are measured against.
 */
export function GET() {
  return json({ ok: true });
}

/**
 * The same for a POST, whose body it never reads (Node discards it): the floor of the keep-alive, which is a
 * POST, since Next turns the body of every POST into a stream before any handler runs (bench/profile.md).
 */
export function POST() {
  return json({ ok: true });
}
