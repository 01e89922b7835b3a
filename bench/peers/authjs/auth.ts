import { DrizzleAdapter } from '@auth/drizzle-adapter';
import PostgresAdapter from '@auth/pg-adapter';
import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { database } from './database';
import { postgresPool } from './postgres';

/**
 * Auth.js as its documentation sets it up, in one of two variants chosen at start by AUTH_SESSION_STRATEGY:
 * - `jwt` (Auth.js's default): the session is an encrypted JWT in the cookie; Credentials signs in.
 * - `database`: the cookie names a session row in SQLite (the Drizzle adapter over libSQL), or with
 *   AUTH_DATABASE_URL in Postgres (the official pg adapter over a `pg` pool). Auth.js refuses Credentials
 *   with a database session, so a magic link signs in, "sent" by writing it to AUTH_MAGIC_LINK_DIR, where
 *   the benchmark reads it.
 * AUTH_SECRET seals both; the benchmark runs on plain http://localhost, hence `trustHost`.
 */
const variant = process.env.AUTH_SESSION_STRATEGY === 'database' ? 'database' : 'jwt';

export const { handlers } = NextAuth(
  variant === 'jwt'
    ? {
        trustHost: true,
        session: { strategy: 'jwt' },
        providers: [
          // A benchmark account for any username: what is measured is the session check, not this.
          Credentials({
            credentials: { username: {} },
            authorize: ({ username }) => (typeof username === 'string' ? { id: username, name: username } : null),
          }),
        ],
      }
    : {
        trustHost: true,
        session: { strategy: 'database' },
        adapter: process.env.AUTH_DATABASE_URL ? PostgresAdapter(postgresPool()) : DrizzleAdapter(database()),
        providers: [
          {
            id: 'magic-link',
            type: 'email',
            name: 'Magic link',
            maxAge: 600,
            sendVerificationRequest: ({ identifier, url }) =>
              writeFile(join(process.env.AUTH_MAGIC_LINK_DIR ?? '.', `${encodeURIComponent(identifier)}.txt`), url),
          },
        ],
      },
);
