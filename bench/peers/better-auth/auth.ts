import { betterAuth } from 'better-auth';
import { testUtils } from 'better-auth/plugins';
import { DatabaseSync } from 'node:sqlite';

/**
 * better-auth with SQLite (`node:sqlite`) and email and password, as its documentation sets it up.
 * BETTER_AUTH_COOKIE_CACHE=1 turns on its cookie cache: a signed copy of the session in a second cookie,
 * trusted without reading the database until it expires. BETTER_AUTH_SECRET signs the cookies.
 */
export const auth = betterAuth({
  // In memory only while `next build` loads this module; every server the benchmark starts names its file.
  database: new DatabaseSync(process.env.BETTER_AUTH_DB_PATH ?? ':memory:'),
  emailAndPassword: { enabled: true },
  // The cache's copy lives an hour (its default is 5 minutes): the benchmark sends the cookies it got at sign-in
  // for longer than that, where a browser would have stored each fresh copy, so every request finds one fresh.
  session: { cookieCache: { enabled: process.env.BETTER_AUTH_COOKIE_CACHE === '1', maxAge: 60 * 60 } },
  rateLimit: {
    // Raised for the session route only: the default (100 requests per 10 s per address) answers the
    // benchmark's load, all from one address, with 429s. Every other route keeps better-auth's limits.
    customRules: { '/get-session': { window: 10, max: 1_000_000_000 } },
  },
  // better-auth's own helpers for making users and signed-in sessions (app/api/bench/sign-in); no routes,
  // no hooks on the session check.
  plugins: [testUtils()],
});
