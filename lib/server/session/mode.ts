import 'server-only';
import type { Result } from '../../shared/result';
import type { ActiveStatus, NoSessionReason } from '../../shared/session-status';
import type { User } from '../sign-in/users';
import type { ProviderLink, SessionRecord } from '../stores';
import type { CookieSession } from './seal';

/**
 * What a session is and what its two homes must do with it. `session.ts` picks the home by `SESSION_STORE` and
 * speaks for both; `record-backed.ts` (SQLite, Redis) and `cookie-only.ts` (`SESSION_STORE=cookie`) each keep one.
 */

/** The session a request carries: what its cookie says, the last activity and proof of presence behind it, and the tag its answers carry. */
export type SessionData = CookieSession & { lastActivityAt: number; authenticatedAt: number; sessionTag: string };

/** An active session as a request found it: the session, its user, the time of the read, and the seal it came in. */
export interface ActiveSession {
  session: SessionData;
  user: User;
  now: number;
  seal: string;
  /** Sealed with the previous secret: resealed at the next write. */
  stale: boolean;
}

export type SessionRead = Result<ActiveSession, NoSessionReason>;

/** What a keep-alive comes to: the session's new status, or why it has ended. */
export type SessionOutcome = Result<ActiveStatus, NoSessionReason>;

/** A cookie whose seal verified and whose user still exists, read at `now`: nothing behind it has been asked yet. */
export interface VerifiedCookie {
  cookie: CookieSession;
  stale: boolean;
  sessionTag: string;
  seal: string;
  user: User;
  now: number;
}

/** One home of sessions. */
export interface SessionMode {
  /** Whether the cookie was sealed for this home: a cookie of the other names nothing here. */
  owns(cookie: CookieSession): boolean;
  /** The session behind the cookie, checked against both deadlines. Never extends it. */
  read(verified: VerifiedCookie): Promise<SessionRead>;
  /** Slides the idle deadline to the activity reported `idleMs` before now. */
  keepAlive(verified: VerifiedCookie, idleMs: number): Promise<SessionOutcome>;
  /**
   * Keeps a new session, and sets its cookie; returns the sessions of the user it ended beyond the cap. `provider`: the
   * OpenID provider's sign-in behind it (only a home with records keeps it; config.ts refuses the provider beside cookies).
   */
  start(session: SessionData, userAgent: string, providerLink?: ProviderLink): Promise<SessionRecord[]>;
  /**
   * The user pressed Sign out: ends the session the cookie names, whatever state it is in. Returns the provider's
   * sign-in behind that session, if there was one (ended now or before), so that it can be ended there too.
   */
  signOut(cookie: CookieSession, now: number): Promise<ProviderLink | undefined>;
}
