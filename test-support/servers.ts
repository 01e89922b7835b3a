/**
 * The production servers the suite runs against, started by playwright.config.ts.
 * `main` has the product's default lifetimes and is driven through the Playwright clock; `short` has lifetimes of
 * seconds, to prove the server expires sessions by itself; `hour` ends every session an hour after sign-in, to reach
 * the absolute limit with the clock; `engines` has the shortest idle lifetime WCAG allows a warning for and the
 * default absolute one, for the Firefox and WebKit suites, which wait in real time (only Playwright's Chromium has a
 * clock to move). Each server's lifetimes in milliseconds are read from its settings below (`MAIN_LIFETIMES` and the
 * rest): the specs move their clocks and wait by those, never by numbers of their own.
 */
import { parseDuration } from '../lib/shared/duration';
import { DEFAULT_LIFETIMES } from '../lib/shared/session-policy';

export const TEST_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';

// E2E_PORT_BASE moves both servers, so two checkouts can run their suites side by side.
const BASE_PORT = Number(process.env.E2E_PORT_BASE ?? 3100);

// One run id for the whole run (workers inherit it): each run starts with empty session databases.
process.env.E2E_RUN_ID ??= String(Date.now());
export const dbPath = (name: string) => `.data/e2e/${process.env.E2E_RUN_ID}-${name}.db`;

// The suite signs in as demo hundreds of times on these servers, in parallel tests that each hold their own
// session: the cap on sessions per user (tested on servers of its own, at its default) is lifted here.
const UNCAPPED = { SESSION_MAX_PER_USER: '100000' };

export const SERVERS = {
  main: { port: BASE_PORT, env: { SESSION_DB_PATH: dbPath('main'), ...UNCAPPED } },
  // The warning must be at least 20 s (WCAG 2.2.1), so the shortest idle lifetime is a little longer.
  short: {
    port: BASE_PORT + 1,
    env: { SESSION_DB_PATH: dbPath('short'), SESSION_IDLE_TIMEOUT: '25s', SESSION_WARNING_BEFORE: '20s', SESSION_ABSOLUTE_TIMEOUT: '40s', ...UNCAPPED },
  },
  hour: { port: BASE_PORT + 10, env: { SESSION_DB_PATH: dbPath('hour'), SESSION_ABSOLUTE_TIMEOUT: '1h', ...UNCAPPED } },
  // The warning opens 5 s after the last activity and lasts the 20 s WCAG 2.2.1 asks for.
  engines: { port: BASE_PORT + 12, env: { SESSION_DB_PATH: dbPath('engines'), SESSION_IDLE_TIMEOUT: '25s', SESSION_WARNING_BEFORE: '20s', ...UNCAPPED } },
} as const;

export const urlOf = (server: keyof typeof SERVERS) => `http://localhost:${SERVERS[server].port}`;

const ms = (text: string) => parseDuration(text) ?? Number.NaN;

/**
 * A server's lifetimes as the server reads its settings: what a setting leaves out is the product's default
 * (DEFAULT_LIFETIMES), and users' idle lifetime is SESSION_IDLE_TIMEOUT_USER, else SESSION_IDLE_TIMEOUT.
 */
function lifetimesOf(env: Readonly<Record<string, string | undefined>>) {
  const idleMs = ms(env.SESSION_IDLE_TIMEOUT_USER ?? env.SESSION_IDLE_TIMEOUT ?? DEFAULT_LIFETIMES.idle);
  const warningBeforeMs = ms(env.SESSION_WARNING_BEFORE ?? DEFAULT_LIFETIMES.warningBefore);
  const absoluteMs = ms(env.SESSION_ABSOLUTE_TIMEOUT ?? DEFAULT_LIFETIMES.absolute);
  return {
    /** A user's (demo's) idle lifetime. */
    idleMs,
    /** An administrator's. */
    idleAdminMs: ms(env.SESSION_IDLE_TIMEOUT_ADMIN ?? DEFAULT_LIFETIMES.idleAdmin),
    warningBeforeMs,
    absoluteMs,
    /** How long after a user's last activity the idle warning opens. */
    warningAtMs: idleMs - warningBeforeMs,
    /** How long after sign-in the absolute warning opens. */
    absoluteWarningAtMs: absoluteMs - warningBeforeMs,
  } as const;
}

/**
 * The lifetimes of `main`, the server the clock-driven specs run against: the product's defaults. The specs move
 * the page's clock by these (never by a literal "25:00"), so a new default changes no test. A server a spec starts
 * for itself without lifetime settings has these lifetimes too.
 */
export const MAIN_LIFETIMES = lifetimesOf(SERVERS.main.env);
/** `short`'s lifetimes of seconds, waited out in real time. */
export const SHORT_LIFETIMES = lifetimesOf(SERVERS.short.env);
/** `hour`'s: the default idle lifetimes and warning, and an absolute lifetime the clock reaches quickly. */
export const HOUR_LIFETIMES = lifetimesOf(SERVERS.hour.env);
/** `engines`': the Firefox and WebKit suites wait these out in real time. */
export const ENGINES_LIFETIMES = lifetimesOf(SERVERS.engines.env);
