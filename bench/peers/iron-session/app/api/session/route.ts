import { getIronSession } from 'iron-session';
import { cookies } from 'next/headers';
import { sessionOptions, type SessionData } from '../../../session';

/** Read only: one unseal. */
export async function GET() {
  const session = await getIronSession<SessionData>(await cookies(), sessionOptions);
  if (!session.username) return Response.json({ username: null }, { status: 401, headers: { 'Cache-Control': 'no-store' } });
  return Response.json({ username: session.username }, { headers: { 'Cache-Control': 'no-store' } });
}
