import { auth } from '../../../../auth';

/**
 * For the benchmark only: a new user and a signed-in session, made by better-auth's testUtils plugin, and
 * the Cookie header that carries it. HTTP sign-up allows 3 per 10 s per address and costs a scrypt each,
 * too slow for the benchmark's 1,000 sessions.
 */
export async function POST(request: Request) {
  const { email } = (await request.json()) as { email: string };
  const { test } = await auth.$context;
  const user = await test.saveUser(test.createUser({ email, name: email }));
  const { headers } = await test.login({ userId: user.id });
  return Response.json({ cookie: headers.get('cookie') });
}
