import type { SessionOptions } from 'iron-session';

/** Plain iron-session as its README sets it up: the whole session sealed in the cookie, nothing on the server. */
export interface SessionData {
  username?: string;
}

export const sessionOptions: SessionOptions = {
  password: process.env.IRON_SESSION_PASSWORD ?? '',
  cookieName: 'session',
  // The benchmark runs on plain http://localhost.
  cookieOptions: { secure: false },
};
