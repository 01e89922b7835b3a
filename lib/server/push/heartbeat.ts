// No 'server-only' marker: a constant the e2e tests wait by, and nothing else. Lint keeps the browser out.

/**
 * How often an open end stream says something: often enough for proxies that drop idle connections (many after 30
 * to 60 s), and each time it reads its session again, so a stream whose end went unheard closes within this.
 */
export const HEARTBEAT_MS = 15_000;
