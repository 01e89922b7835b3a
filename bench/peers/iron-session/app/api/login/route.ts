import { getIronSession } from 'iron-session';
import { cookies } from 'next/headers';
import { sessionOptions, type SessionData } from '../../../session';

/** Signs in as any username: what is measured is the session check, not this. */
export async function POST(request: Request) {
  const { username } = (await request.json()) as { username: string };
  const session = await getIronSession<SessionData>(await cookies(), sessionOptions);
  session.username = username;
  await session.save();
  return Response.json({ username });
}
