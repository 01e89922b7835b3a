import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

const SECRET = 'x'.repeat(32);

describe('parseConfig', () => {
  it('uses the documented defaults', () => {
    const config = parseConfig({ SESSION_SECRET: SECRET, NODE_ENV: 'production' });
    expect(config).toEqual({
      production: true,
      secret: SECRET,
      policy: { idleMs: { user: 1_800_000, admin: 28_800_000 }, absoluteMs: 43_200_000, warningBeforeMs: 300_000 },
      maxSessionsPerUser: 20,
      store: { kind: 'sqlite', path: '.data/sessions.db' },
      throttle: { windowMs: 900_000, maxFailuresPerUser: 5, maxFailuresPerAddress: 50 },
      reauthWithinMs: 300_000,
      sweepEveryMs: 60_000,
      eventsRetentionMs: 30 * 86_400_000,
      streamsMax: 5_000,
    });
  });

  it('reads the sweep interval and the events\' retention as durations, and refuses a sweep more often than each second', () => {
    const parsed = parseConfig({ SESSION_SECRET: SECRET, SESSION_SWEEP_EVERY: '2s', SESSION_EVENTS_RETENTION: '7d' });
    expect(parsed).toMatchObject({ sweepEveryMs: 2_000, eventsRetentionMs: 7 * 86_400_000 });
    expect(() => parseConfig({ SESSION_SECRET: SECRET, SESSION_SWEEP_EVERY: '500ms' })).toThrow(/SESSION_SWEEP_EVERY must be at least 1 second/);
    expect(() => parseConfig({ SESSION_SECRET: SECRET, SESSION_SWEEP_EVERY: '30d' })).toThrow(/SESSION_SWEEP_EVERY must be at most 24 days/);
    expect(() => parseConfig({ SESSION_SECRET: SECRET, SESSION_SWEEP_EVERY: 'often' })).toThrow(/SESSION_SWEEP_EVERY expected a duration/);
    expect(() => parseConfig({ SESSION_SECRET: SECRET, SESSION_EVENTS_RETENTION: '-1d' })).toThrow(/SESSION_EVENTS_RETENTION expected a duration/);
  });

  it('reads how recent a proof of presence must be, from one second', () => {
    expect(parseConfig({ SESSION_SECRET: SECRET, SESSION_REAUTH_WITHIN: '1s' }).reauthWithinMs).toBe(1_000);
    expect(parseConfig({ SESSION_SECRET: SECRET, SESSION_REAUTH_WITHIN: '15m' }).reauthWithinMs).toBe(900_000);
  });

  it('reads every duration, with per-role overrides', () => {
    const { policy } = parseConfig({
      SESSION_SECRET: SECRET,
      SESSION_IDLE_TIMEOUT: '30s',
      SESSION_IDLE_TIMEOUT_ADMIN: '40s',
      SESSION_WARNING_BEFORE: '20',
      SESSION_ABSOLUTE_TIMEOUT: '1h',
    });
    expect(policy).toEqual({ idleMs: { user: 30_000, admin: 40_000 }, absoluteMs: 3_600_000, warningBeforeMs: 20_000 });
    expect(parseConfig({ SESSION_SECRET: SECRET, SESSION_IDLE_TIMEOUT_USER: '15m' }).policy.idleMs.user).toBe(900_000);
  });

  it('reads the cap on sessions per user', () => {
    expect(parseConfig({ SESSION_SECRET: SECRET, SESSION_MAX_PER_USER: '3' }).maxSessionsPerUser).toBe(3);
  });

  it.each([
    [{}, /SESSION_SECRET is missing/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET must be at least 32 characters/],
    [{ SESSION_SECRET: SECRET, SESSION_IDLE_TIMEOUT: 'soon' }, /SESSION_IDLE_TIMEOUT expected a duration/],
    [{ SESSION_SECRET: SECRET, SESSION_IDLE_TIMEOUT_USER: '-1' }, /SESSION_IDLE_TIMEOUT_USER expected a duration/],
    [{ SESSION_SECRET: SECRET, SESSION_IDLE_TIMEOUT_ADMIN: '0' }, /SESSION_IDLE_TIMEOUT_ADMIN expected a duration/],
    [{ SESSION_SECRET: SECRET, SESSION_ABSOLUTE_TIMEOUT: '12 hours' }, /SESSION_ABSOLUTE_TIMEOUT expected a duration/],
    [{ SESSION_SECRET: SECRET, SESSION_WARNING_BEFORE: '30m' }, /SESSION_WARNING_BEFORE must be shorter than every idle timeout/],
    [{ SESSION_SECRET: SECRET, SESSION_WARNING_BEFORE: '19s' }, /SESSION_WARNING_BEFORE must be at least 20 seconds/],
    [{ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: 'short' }, /SESSION_SECRET_PREVIOUS must be at least 32 characters/],
    [{ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: SECRET }, /SESSION_SECRET_PREVIOUS must differ from SESSION_SECRET/],
    [{ SESSION_SECRET: SECRET, REDIS_URL: 'http://localhost:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ SESSION_SECRET: SECRET, REDIS_URL: 'not a url' }, /REDIS_URL/],
    [{ SESSION_SECRET: SECRET, SIGN_IN_MAX_FAILURES_PER_USER: '0' }, /SIGN_IN_MAX_FAILURES_PER_USER expected a whole number/],
    [{ SESSION_SECRET: SECRET, SIGN_IN_THROTTLE_WINDOW: 'later' }, /SIGN_IN_THROTTLE_WINDOW expected a duration/],
    [{ SESSION_SECRET: SECRET, SESSION_MAX_PER_USER: '0' }, /SESSION_MAX_PER_USER expected a whole number of at least 1/],
    [{ SESSION_SECRET: SECRET, SESSION_REAUTH_WITHIN: 'often' }, /SESSION_REAUTH_WITHIN expected a duration/],
    [{ SESSION_SECRET: SECRET, SESSION_REAUTH_WITHIN: '999ms' }, /SESSION_REAUTH_WITHIN must be at least 1 second/],
    [{ SESSION_SECRET: SECRET, SESSION_MAX_PER_USER: '2.5' }, /SESSION_MAX_PER_USER expected a whole number/],
    [{ SESSION_SECRET: SECRET, SESSION_STREAMS_MAX: '0' }, /SESSION_STREAMS_MAX expected a whole number of at least 1/],
  ])('stops on %j, naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('chooses Redis when REDIS_URL is set, and keeps the previous secret for rotation', () => {
    const other = 'y'.repeat(32);
    const parsed = parseConfig({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: other, REDIS_URL: 'redis://127.0.0.1:6390' });
    expect(parsed.store).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6390', prefix: 'sessions:' });
    expect(parsed.previousSecret).toBe(other);
    expect(parseConfig({ SESSION_SECRET: SECRET, SESSION_DB_PATH: '/tmp/x.db' }).store).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
  });

  it.each([
    [{ SESSION_STORE: 'cookie' }, { kind: 'cookie' }],
    [{ SESSION_STORE: 'sqlite' }, { kind: 'sqlite', path: '.data/sessions.db' }],
    [{ SESSION_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6390' }, { kind: 'redis', url: 'redis://127.0.0.1:6390', prefix: 'sessions:' }],
    [
      { REDIS_CLUSTER_NODES: '127.0.0.1:7000, redis-b.internal:7001', REDIS_KEY_PREFIX: 'staging:' },
      { kind: 'redis', clusterNodes: [{ host: '127.0.0.1', port: 7000 }, { host: 'redis-b.internal', port: 7001 }], prefix: 'staging:' },
    ],
    [{ SESSION_STORE: 'redis', REDIS_CLUSTER_NODES: '[::1]:7000' }, { kind: 'redis', clusterNodes: [{ host: '::1', port: 7000 }], prefix: 'sessions:' }],
    // Empty means unset, as for every variable in .env.example.
    [{ SESSION_STORE: '', REDIS_URL: '', REDIS_CLUSTER_NODES: '', REDIS_KEY_PREFIX: '' }, { kind: 'sqlite', path: '.data/sessions.db' }],
    [{ DATABASE_URL: 'postgres://app@db.internal/app' }, { kind: 'postgres', url: 'postgres://app@db.internal/app', schema: 'session_store', poolSize: 10, statementTimeoutMs: 2_000 }],
    [
      { SESSION_STORE: 'postgres', DATABASE_URL: 'postgresql://app:pw@db:5433/app?sslmode=verify-full', SESSION_DB_SCHEMA: 'auth_sessions', SESSION_DB_POOL_SIZE: '4', SESSION_DB_STATEMENT_TIMEOUT: '5s' },
      { kind: 'postgres', url: 'postgresql://app:pw@db:5433/app?sslmode=verify-full', schema: 'auth_sessions', poolSize: 4, statementTimeoutMs: 5_000 },
    ],
    // The app's own database may be another kind, or Postgres beside sessions kept elsewhere: neither is refused.
    [{ DATABASE_URL: 'mysql://app@db/app' }, { kind: 'sqlite', path: '.data/sessions.db' }],
    [{ SESSION_STORE: 'redis', REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://db/app' }, { kind: 'redis', url: 'redis://r:6379', prefix: 'sessions:' }],
  ])('SESSION_STORE with %j keeps sessions in %j', (env, store) => {
    expect(parseConfig({ SESSION_SECRET: SECRET, ...env }).store).toEqual(store);
  });

  it.each([
    [{ SESSION_STORE: 'mongodb' }, /SESSION_STORE must be one of cookie, sqlite, redis, postgres/],
    [{ SESSION_STORE: 'postgres' }, /DATABASE_URL is missing: SESSION_STORE=postgres needs a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ SESSION_STORE: 'postgres', DATABASE_URL: 'mysql://db/app' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ SESSION_STORE: 'postgres', DATABASE_URL: 'postgres://[not a host/app' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ REDIS_URL: 'redis://a:1', DATABASE_URL: 'postgres://db/app' }, /SESSION_STORE is unset, and REDIS_URL \(Redis\) and DATABASE_URL \(Postgres\) each choose a store/],
    [{ SESSION_STORE: 'sqlite', SESSION_DB_SCHEMA: 'sessions' }, /SESSION_DB_SCHEMA is set, but SESSION_STORE=sqlite does not use Postgres/],
    [{ DATABASE_URL: 'postgres://db/app', SESSION_DB_SCHEMA: 'Sessions' }, /SESSION_DB_SCHEMA may hold lower-case letters, digits and _ only/],
    [{ DATABASE_URL: 'postgres://db/app', SESSION_DB_SCHEMA: 'pg_sessions' }, /SESSION_DB_SCHEMA may not start with pg_/],
    [{ DATABASE_URL: 'postgres://db/app', SESSION_DB_POOL_SIZE: '0' }, /SESSION_DB_POOL_SIZE expected a whole number of at least 1/],
    [{ DATABASE_URL: 'postgres://db/app', SESSION_DB_STATEMENT_TIMEOUT: '0' }, /SESSION_DB_STATEMENT_TIMEOUT/],
    [{ DATABASE_URL: 'postgres://db/app', SESSION_DB_STATEMENT_TIMEOUT: '25d' }, /SESSION_DB_STATEMENT_TIMEOUT must be at most 24 days/],
    // A wrong Postgres setting is named while another store is chosen, as a wrong Redis one is.
    [{ SESSION_STORE: 'cookie', SESSION_DB_POOL_SIZE: 'many' }, /SESSION_DB_POOL_SIZE expected a whole number/],
    [{ SESSION_STORE: 'redis' }, /SESSION_STORE=redis needs REDIS_URL \(one Redis\) or REDIS_CLUSTER_NODES \(a cluster\)/],
    [{ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' }, /REDIS_URL and REDIS_CLUSTER_NODES are both set/],
    [{ SESSION_STORE: 'cookie', REDIS_URL: 'redis://a:1' }, /REDIS_URL is set, but SESSION_STORE=cookie does not use Redis/],
    [{ SESSION_STORE: 'sqlite', REDIS_CLUSTER_NODES: 'b:2' }, /REDIS_CLUSTER_NODES is set, but SESSION_STORE=sqlite does not use Redis/],
    [{ SESSION_STORE: 'cookie', REDIS_KEY_PREFIX: 'x:' }, /REDIS_KEY_PREFIX is set, but SESSION_STORE=cookie does not use Redis/],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1' }, /REDIS_CLUSTER_NODES expected host:port seeds separated by commas, got "127.0.0.1"/],
    [{ REDIS_CLUSTER_NODES: 'a:1,,b:2' }, /REDIS_CLUSTER_NODES expected host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:70000' }, /REDIS_CLUSTER_NODES expected host:port/],
    [{ REDIS_URL: 'redis://a:1', REDIS_KEY_PREFIX: 'a{b}' }, /REDIS_KEY_PREFIX may hold letters, digits and . _ : - only/],
  ])('stops on the store settings %j, naming the variables', (env, message) => {
    expect(() => parseConfig({ SESSION_SECRET: SECRET, ...env })).toThrow(message);
  });

  it('names every wrong variable at once', () => {
    expect(() => parseConfig({ SESSION_IDLE_TIMEOUT: 'x', SESSION_ABSOLUTE_TIMEOUT: 'y' })).toThrow(
      /SESSION_SECRET[\s\S]*SESSION_IDLE_TIMEOUT[\s\S]*SESSION_ABSOLUTE_TIMEOUT/,
    );
  });
});
