import { auth } from '../../../../auth';

/**
 * For the benchmark only: a new account and its signed-in session, through better-auth's own server API.
 * Its HTTP sign-up allows 3 per 10 s per address, too few to make the benchmark's 1,000 sessions; the
 * answer carries the same Set-Cookie headers as the HTTP route's.
 */
export async function POST(request: Request) {
  const { email } = (await request.json()) as { email: string };
  return auth.api.signUpEmail({ body: { email, password: 'bench-password', name: email }, asResponse: true });
}
