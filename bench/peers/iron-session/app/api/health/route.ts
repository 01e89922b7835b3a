/** The bare route, the same answer as the product's `GET /api/health`: each figure is a ratio to this app's own. */
export function GET() {
  return Response.json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } });
}
