import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BENCH_PORT } from './ports';
import { startBenchApp, type BenchApp, type Identify, type SignedIn } from './support';

/**
 * What a reader would pick instead of this app, each a minimal production Next.js app in bench/peers/
 * with its own bare route. Every peer is signed in through what it offers (see `signIn`), and every
 * answer is checked to name the user its cookie belongs to.
 */

export const PEERS_DIR = resolve('bench/peers');
const SECRET = 'bench-peer-secret-that-is-long-enough-0123456789';

export interface SessionCheck {
  method: 'GET';
  path: string;
  identify: Identify;
}

export interface Peer {
  id: string;
  label: string;
  /** Its folder under bench/peers. */
  app: 'authjs' | 'better-auth' | 'iron-session';
  env(dataDir: string, url: string): Record<string, string>;
  checks: Record<string, SessionCheck>;
  /** How the peer's `index`th benchmark user signs in, with its own endpoints. */
  signIn(base: string, index: number, dataDir: string): Promise<SignedIn>;
}

/** `name=value` of every cookie an answer sets whose name starts with `prefix` (what a browser would send back). */
function cookiesSet(response: Response, prefix: string): string {
  const pairs = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .filter((pair) => pair.startsWith(prefix) && !pair.endsWith('='));
  if (pairs.length === 0) throw new Error(`${response.url} answered ${response.status} without a ${prefix} cookie`);
  return pairs.join('; ');
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  redirect: 'manual' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
});

/** Auth.js's CSRF token and the cookie it pairs with, which every sign-in post needs. */
async function authJsCsrf(base: string): Promise<{ csrfToken: string; cookie: string }> {
  const response = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { csrfToken, cookie: cookiesSet(response, 'authjs.csrf-token') };
}

type AuthJsSession = { user?: { name?: string | null; email?: string | null } } | null;
const AUTHJS_SESSION = '/api/auth/session';

const authJsJwt: Peer = {
  id: 'authjs-jwt',
  label: 'Auth.js, JWT',
  app: 'authjs',
  env: () => ({ AUTH_SECRET: SECRET, AUTH_SESSION_STRATEGY: 'jwt' }),
  checks: { session: { method: 'GET', path: AUTHJS_SESSION, identify: (body) => (body as AuthJsSession)?.user?.name ?? undefined } },
  // Credentials, posted as its sign-in form does.
  async signIn(base, index) {
    const username = `user-${index}`;
    const csrf = await authJsCsrf(base);
    const response = await fetch(`${base}/api/auth/callback/credentials`, {
      ...form({ csrfToken: csrf.csrfToken, username }),
      headers: { ...form({}).headers, cookie: csrf.cookie },
    });
    return { cookie: cookiesSet(response, 'authjs.session-token'), identity: username };
  },
};

/** The database variant's environment but for where its sessions live: magic links are "sent" to files in `dataDir`. */
const authJsDatabaseEnv = (dataDir: string) => ({ AUTH_SECRET: SECRET, AUTH_SESSION_STRATEGY: 'database', AUTH_MAGIC_LINK_DIR: join(dataDir, 'links') });

const authJsDatabase: Peer = {
  id: 'authjs-database',
  label: 'Auth.js, database (SQLite)',
  app: 'authjs',
  env: (dataDir) => ({ ...authJsDatabaseEnv(dataDir), AUTH_DB_PATH: join(dataDir, 'authjs.db') }),
  checks: { session: { method: 'GET', path: AUTHJS_SESSION, identify: (body) => (body as AuthJsSession)?.user?.email ?? undefined } },
  // A magic link: ask for it, read it from the file the app "sent" it to, follow it.
  async signIn(base, index, dataDir) {
    const email = `user-${index}@bench.test`;
    mkdirSync(join(dataDir, 'links'), { recursive: true });
    const csrf = await authJsCsrf(base);
    const asked = await fetch(`${base}/api/auth/signin/magic-link`, {
      ...form({ csrfToken: csrf.csrfToken, email }),
      headers: { ...form({}).headers, cookie: csrf.cookie },
    });
    if (asked.status !== 302) throw new Error(`Auth.js magic-link sign-in answered ${asked.status}`);
    const link = readFileSync(join(dataDir, 'links', `${encodeURIComponent(email)}.txt`), 'utf8');
    const followed = await fetch(link, { redirect: 'manual', headers: { cookie: csrf.cookie } });
    return { cookie: cookiesSet(followed, 'authjs.session-token'), identity: email };
  },
};

/**
 * Auth.js's database sessions in the Postgres at `databaseUrl`, through its official adapter (@auth/pg-adapter),
 * signed in and checked as the SQLite variant is. Not in PEERS: it needs the Postgres the bench starts.
 */
export const authJsPostgres = (databaseUrl: string): Peer => ({
  ...authJsDatabase,
  id: 'authjs-postgres',
  label: 'Auth.js, database (Postgres)',
  env: (dataDir) => ({ ...authJsDatabaseEnv(dataDir), AUTH_DATABASE_URL: databaseUrl }),
});

type BetterAuthSession = { user?: { email?: string } } | null;

function betterAuth(cookieCache: boolean): Peer {
  return {
    id: cookieCache ? 'better-auth-cookie-cache' : 'better-auth',
    label: cookieCache ? 'better-auth, SQLite, cookie cache' : 'better-auth, SQLite',
    app: 'better-auth',
    env: (dataDir, url) => ({
      BETTER_AUTH_SECRET: SECRET,
      BETTER_AUTH_URL: url,
      BETTER_AUTH_DB_PATH: join(dataDir, 'better-auth.db'),
      ...(cookieCache ? { BETTER_AUTH_COOKIE_CACHE: '1' } : {}),
    }),
    checks: { session: { method: 'GET', path: '/api/auth/get-session', identify: (body) => (body as BetterAuthSession)?.user?.email } },
    // Its testUtils plugin, behind a bench-only route (HTTP sign-up allows 3 per 10 s and costs a scrypt);
    // then one session check, whose answer carries the cookie cache's cookie when that is on.
    async signIn(base, index) {
      const email = `user-${index}@bench.test`;
      const made = await fetch(`${base}/api/bench/sign-in`, { method: 'POST', body: JSON.stringify({ email }) });
      const { cookie } = (await made.json()) as { cookie?: string };
      if (made.status !== 200 || !cookie) throw new Error(`better-auth's bench sign-in answered ${made.status}`);
      const checked = await fetch(`${base}/api/auth/get-session`, { headers: { cookie } });
      if (((await checked.json()) as BetterAuthSession)?.user?.email !== email) throw new Error(`better-auth did not sign ${email} in`);
      const cache = checked.headers.getSetCookie().map((header) => header.split(';')[0] ?? '').filter((pair) => pair.startsWith('better-auth.session_data='));
      return { cookie: [cookie, ...cache].join('; '), identity: email };
    },
  };
}

const ironSession: Peer = {
  id: 'iron-session',
  label: 'iron-session',
  app: 'iron-session',
  env: () => ({ IRON_SESSION_PASSWORD: SECRET }),
  checks: {
    read: { method: 'GET', path: '/api/session', identify: (body) => (body as { username?: string }).username },
    save: { method: 'GET', path: '/api/session/save', identify: (body) => (body as { username?: string }).username },
  },
  async signIn(base, index) {
    const username = `user-${index}`;
    const response = await fetch(`${base}/api/login`, { method: 'POST', body: JSON.stringify({ username }) });
    return { cookie: cookiesSet(response, 'session='), identity: username };
  },
};

export const PEERS: readonly Peer[] = [authJsJwt, authJsDatabase, betterAuth(false), betterAuth(true), ironSession];

/** Starts a peer on the bench port `offset`, with its data (databases, magic links) in `dataDir`. */
export function startPeer(peer: Peer, offset: number, dataDir: string): Promise<BenchApp> {
  mkdirSync(dataDir, { recursive: true });
  const env = { ...peer.env(dataDir, `http://localhost:${BENCH_PORT + offset}`), PATH: `${join(PEERS_DIR, 'node_modules/.bin')}:${process.env.PATH ?? ''}` };
  return startBenchApp(offset, env, { cwd: join(PEERS_DIR, peer.app), readyPath: '/api/health' });
}
