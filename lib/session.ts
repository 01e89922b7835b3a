import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { config } from './config';
import { deadlines, endReason, reportActivity, ROLES } from './session-policy';
import type { ActiveStatus, SignedOutReason } from './session-status';
import { findUser, type User } from './users';

/**
 * The only module that knows the session cookie: its name, secret, lifetime and attributes.
 *
 * Why `sealData`/`unsealData` and not `getIronSession`: iron-session ties the cookie's Max-Age to the
 * seal's ttl, and asking it for a browser-session cookie (`maxAge: undefined`) silently sets the
 * ttl to 0, a seal that never expires. Here the seal's ttl covers the absolute lifetime, the cookie
 * is a browser-session cookie or has a Max-Age that follows the sliding deadline, and the real
 * deadlines are checked from the payload on every request. See DESIGN notes in README.
 */

const PayloadSchema = z.object({
  v: z.literal(1),
  /** Fresh for every sign-in; names the session to other tabs and, later, to a server-side store. */
  sid: z.string().min(1),
  sub: z.string().min(1),
  role: z.enum(ROLES),
  createdAt: z.number().int().nonnegative(),
  lastActivityAt: z.number().int().nonnegative(),
  /** "Keep me signed in": a persistent cookie rather than a browser-session one. */
  remember: z.boolean(),
});
export type SessionData = z.infer<typeof PayloadSchema>;

export type SessionRead =
  | { active: true; session: SessionData; user: User; now: number }
  | { active: false; reason: SignedOutReason };

function cookieName(): string {
  // `__Host-` pins the cookie to this origin: Secure, Path=/ and no Domain, or the browser refuses it.
  return config().production ? '__Host-session' : 'session';
}

function cookieAttributes() {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: config().production } as const;
}

/** The session behind this request's cookie, checked against both deadlines. Never writes. */
export async function getSession(): Promise<SessionRead> {
  const seal = (await cookies()).get(cookieName())?.value;
  if (!seal) return { active: false, reason: 'none' };

  const { secret, policy } = config();
  let sealExpired = false;
  const data = await unsealData(seal, {
    password: secret,
    ttl: policy.absoluteMs / 1000,
    onUnsealError: (reason) => {
      sealExpired = reason === 'expired';
    },
  });
  // The seal outlives every session it holds, so an expired seal means the absolute limit passed long ago.
  if (sealExpired) return { active: false, reason: 'absolute' };

  const parsed = PayloadSchema.safeParse(data);
  const user = parsed.success ? findUser(parsed.data.sub) : undefined;
  if (!parsed.success || !user || user.role !== parsed.data.role) return { active: false, reason: 'invalid' };

  const now = Date.now();
  const ended = endReason(parsed.data, now, policy);
  return ended ? { active: false, reason: ended } : { active: true, session: parsed.data, user, now };
}

/** For protected pages: the active session, or a redirect to the login page that remembers where the user was going. */
export async function requireSession(returnTo: string): Promise<Extract<SessionRead, { active: true }>> {
  const read = await getSession();
  if (read.active) return read;
  const query = new URLSearchParams({ returnTo });
  if (read.reason === 'idle' || read.reason === 'absolute') query.set('reason', read.reason);
  redirect(`/login?${query}`);
}

export function toStatus(session: SessionData, now: number): ActiveStatus {
  const { policy } = config();
  const { idleAt, absoluteAt } = deadlines(session, policy);
  return {
    authenticated: true,
    user: { username: session.sub, role: session.role },
    idleExpiresInMs: idleAt - now,
    absoluteExpiresInMs: absoluteAt - now,
    warningBeforeMs: policy.warningBeforeMs,
    idleTimeoutMs: policy.idleMs[session.role],
    sessionTag: createHash('sha256').update(session.sid).digest('base64url').slice(0, 16),
  };
}

async function write(session: SessionData, now: number): Promise<void> {
  const { secret, policy } = config();
  // The seal's ttl spans the absolute lifetime from now; the payload's deadlines are what end the session.
  const seal = await sealData(session, { password: secret, ttl: policy.absoluteMs / 1000 });
  const maxAge = session.remember ? Math.ceil((deadlines(session, policy).endsAt - now) / 1000) : undefined;
  (await cookies()).set(cookieName(), seal, { ...cookieAttributes(), ...(maxAge === undefined ? {} : { maxAge }) });
}

/** Route handlers only: expires the cookie in the browser. */
export async function clearSessionCookie(): Promise<void> {
  (await cookies()).set(cookieName(), '', { ...cookieAttributes(), maxAge: 0 });
}

export async function signIn(user: User, remember: boolean): Promise<ActiveStatus> {
  const now = Date.now();
  const session: SessionData = {
    v: 1,
    sid: randomUUID(),
    sub: user.username,
    role: user.role,
    createdAt: now,
    lastActivityAt: now,
    remember,
  };
  await write(session, now);
  return toStatus(session, now);
}

/**
 * Slides the idle deadline to the user's last real activity, `idleMs` before now (0 for a button press).
 * Route handlers only. Returns the reason instead when the session has already ended.
 */
export async function keepAlive(idleMs: number): Promise<ActiveStatus | SignedOutReason> {
  const read = await getSession();
  if (!read.active) return read.reason;
  const session = { ...read.session, lastActivityAt: reportActivity(read.session, read.now, idleMs) };
  await write(session, read.now);
  return toStatus(session, read.now);
}
