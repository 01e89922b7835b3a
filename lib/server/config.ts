import 'server-only';
import { z } from 'zod';
import { parseDuration } from '../shared/duration';
import { DEFAULT_LIFETIMES, type TimeoutPolicy } from '../shared/session-policy';
import { DEFAULT_KEY_PREFIX } from './stores/redis-keys';

const MIN_SECRET_LENGTH = 32;
/** WCAG 2.2.1 Timing Adjustable: people get at least 20 seconds to answer a timeout warning. */
const MIN_WARNING_MS = 20_000;
/** The shortest SESSION_REAUTH_WITHIN: durations parse to milliseconds, but a window under a second is no window. */
const MIN_REAUTH_MS = 1_000;
/** The shortest SESSION_SWEEP_EVERY: a sweep reads the expiry index, so many a second would be load for nothing. */
const MIN_SWEEP_MS = 1_000;

function duration(fallback: string) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const ms = parseDuration(text === undefined || text === '' ? fallback : text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected a duration such as 30m, 90s, 12h or plain seconds, got "${text}"` });
        return z.NEVER;
      }
      return ms;
    });
}

function count(fallback: number) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === '') return fallback;
      const value = Number(text);
      if (!Number.isSafeInteger(value) || value < 1) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number of at least 1, got "${text}"` });
        return z.NEVER;
      }
      return value;
    });
}

/** Where sessions live: `cookie` keeps none on the server (the seal carries the last activity), `sqlite` a local file, `redis` a shared Redis or Redis Cluster. */
export const STORE_KINDS = ['cookie', 'sqlite', 'redis'] as const;


const blankIsUnset = z
  .string()
  .optional()
  .transform((text) => (text === '' ? undefined : text));

export interface ClusterNode {
  host: string;
  port: number;
}

// `host:port` or `[v6 address]:port`, each seed once: the client discovers the rest of the cluster from them.
const SEED = /^(?:\[([0-9a-fA-F:.]+)\]|([\w.-]+)):(\d{1,5})$/;

const clusterNodes = blankIsUnset.transform((text, ctx) => {
  if (text === undefined) return undefined;
  const nodes: ClusterNode[] = [];
  for (const seed of text.split(',').map((part) => part.trim())) {
    const match = SEED.exec(seed);
    const port = Number(match?.[3]);
    const host = match?.[1] ?? match?.[2];
    if (!host || !(port >= 1 && port <= 65_535)) {
      ctx.addIssue({ code: 'custom', message: `expected host:port seeds separated by commas, got "${text}"` });
      return z.NEVER;
    }
    nodes.push({ host, port });
  }
  return nodes;
});

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    SESSION_SECRET: z
      .string({ error: 'is missing: set it to a random string of at least 32 characters (openssl rand -base64 32)' })
      .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters long (openssl rand -base64 32)`),
    SESSION_IDLE_TIMEOUT: duration(DEFAULT_LIFETIMES.idle),
    SESSION_IDLE_TIMEOUT_USER: z.string().optional(),
    SESSION_IDLE_TIMEOUT_ADMIN: duration(DEFAULT_LIFETIMES.idleAdmin),
    SESSION_WARNING_BEFORE: duration(DEFAULT_LIFETIMES.warningBefore),
    SESSION_ABSOLUTE_TIMEOUT: duration(DEFAULT_LIFETIMES.absolute),
    SESSION_SECRET_PREVIOUS: z
      .string()
      .optional()
      .transform((text) => (text === '' ? undefined : text))
      .pipe(z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters long when set`).optional()),
    SESSION_STORE: blankIsUnset.pipe(z.enum(STORE_KINDS, { error: `must be one of ${STORE_KINDS.join(', ')}` }).optional()),
    REDIS_URL: blankIsUnset.pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional()),
    REDIS_CLUSTER_NODES: clusterNodes,
    // No braces: the store's hash tags are its own, and a brace in the prefix would move every key into one slot.
    REDIS_KEY_PREFIX: blankIsUnset.pipe(z.string().regex(/^[\w.:-]{1,64}$/, 'may hold letters, digits and . _ : - only, at most 64').optional()),
    SESSION_DB_PATH: z.string().optional().transform((text) => (text === '' || text === undefined ? '.data/sessions.db' : text)),
    SIGN_IN_THROTTLE_WINDOW: duration('15m'),
    SIGN_IN_MAX_FAILURES_PER_USER: count(5),
    SIGN_IN_MAX_FAILURES_PER_ADDRESS: count(50),
    SESSION_MAX_PER_USER: count(20),
    SESSION_REAUTH_WITHIN: duration('5m'),
    SESSION_SWEEP_EVERY: duration('1m'),
    SESSION_EVENTS_RETENTION: duration('30d'),
  })
  .transform(({ SESSION_IDLE_TIMEOUT_USER, ...env }, ctx) => {
    // Users inherit SESSION_IDLE_TIMEOUT unless their role has its own setting.
    const user = SESSION_IDLE_TIMEOUT_USER ? parseDuration(SESSION_IDLE_TIMEOUT_USER) : env.SESSION_IDLE_TIMEOUT;
    if (user === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_IDLE_TIMEOUT_USER'], message: `expected a duration, got "${SESSION_IDLE_TIMEOUT_USER}"` });
      return z.NEVER;
    }
    return { ...env, SESSION_IDLE_TIMEOUT_USER: user };
  })
  .superRefine((env, ctx) => {
    if (env.SESSION_SECRET_PREVIOUS !== undefined && env.SESSION_SECRET_PREVIOUS === env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET_PREVIOUS'], message: 'must differ from SESSION_SECRET' });
    }
    storeIssues(env).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
    if (env.SESSION_SWEEP_EVERY < MIN_SWEEP_MS) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SWEEP_EVERY'], message: 'must be at least 1 second' });
    }
    // setInterval takes at most 2^31 - 1 ms; a longer wait would fire at once, again and again.
    if (env.SESSION_SWEEP_EVERY > 2_147_483_647) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SWEEP_EVERY'], message: 'must be at most 24 days' });
    }
    if (env.SESSION_REAUTH_WITHIN < MIN_REAUTH_MS) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_REAUTH_WITHIN'], message: 'must be at least 1 second' });
    }
    const shortestIdle = Math.min(env.SESSION_IDLE_TIMEOUT_USER, env.SESSION_IDLE_TIMEOUT_ADMIN);
    if (env.SESSION_WARNING_BEFORE < MIN_WARNING_MS) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_WARNING_BEFORE'], message: 'must be at least 20 seconds, so people have time to answer the warning (WCAG 2.2.1)' });
    } else if (env.SESSION_WARNING_BEFORE >= shortestIdle) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_WARNING_BEFORE'], message: 'must be shorter than every idle timeout, or the warning would open at once' });
    }
  });

/** A store setting that does not fit the chosen store: a deployment that would not do what its settings say. */
function storeIssues(env: { SESSION_STORE?: StoreKind; REDIS_URL?: string; REDIS_CLUSTER_NODES?: ClusterNode[]; REDIS_KEY_PREFIX?: string }) {
  const kind = storeKind(env);
  const issues: Array<{ path: string[]; message: string }> = [];
  if (env.REDIS_URL !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    issues.push({ path: ['REDIS_URL'], message: 'and REDIS_CLUSTER_NODES are both set: give one Redis or one cluster, not both' });
  }
  if (kind === 'redis' && env.REDIS_URL === undefined && env.REDIS_CLUSTER_NODES === undefined) {
    issues.push({ path: [], message: 'SESSION_STORE=redis needs REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a cluster)' });
  }
  if (kind !== 'redis') {
    for (const name of ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_KEY_PREFIX'] as const) {
      if (env[name] !== undefined) issues.push({ path: [name], message: `is set, but SESSION_STORE=${kind} does not use Redis: unset one of them` });
    }
  }
  return issues;
}

export type StoreKind = (typeof STORE_KINDS)[number];

// Without SESSION_STORE, a Redis setting alone still means Redis, as before SESSION_STORE existed.
function storeKind(env: { SESSION_STORE?: StoreKind; REDIS_URL?: string; REDIS_CLUSTER_NODES?: ClusterNode[] }): StoreKind {
  return env.SESSION_STORE ?? (env.REDIS_URL !== undefined || env.REDIS_CLUSTER_NODES !== undefined ? 'redis' : 'sqlite');
}

export interface ThrottlePolicy {
  windowMs: number;
  maxFailuresPerUser: number;
  maxFailuresPerAddress: number;
}

export type RedisTarget = { url: string } | { clusterNodes: ClusterNode[] };

export type StoreConfig = { kind: 'cookie' } | { kind: 'sqlite'; path: string } | ({ kind: 'redis'; prefix: string } & RedisTarget);

export interface AppConfig {
  production: boolean;
  secret: string;
  /** The secret before the last rotation: cookies it sealed are still read, and resealed with `secret`. */
  previousSecret?: string;
  policy: TimeoutPolicy;
  /** Active sessions one user may have; signing in once more ends the least recently used. */
  maxSessionsPerUser: number;
  store: StoreConfig;
  throttle: ThrottlePolicy;
  /** How recent the last proof of presence (sign-in or re-authentication) must be for a sensitive action. */
  reauthWithinMs: number;
  /** How often the server sweeps its store: the longest an idle or absolute end waits to be written. */
  sweepEveryMs: number;
  /** How long session events are kept. */
  eventsRetentionMs: number;
}

/** Reads the environment into a config, or throws one error that names every variable that is wrong. */
export function parseConfig(source: Record<string, string | undefined>): AppConfig {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')} ${issue.message}`);
    throw new Error(`Invalid session configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  return {
    production: env.NODE_ENV === 'production',
    secret: env.SESSION_SECRET,
    ...(env.SESSION_SECRET_PREVIOUS === undefined ? {} : { previousSecret: env.SESSION_SECRET_PREVIOUS }),
    policy: {
      idleMs: { user: env.SESSION_IDLE_TIMEOUT_USER, admin: env.SESSION_IDLE_TIMEOUT_ADMIN },
      absoluteMs: env.SESSION_ABSOLUTE_TIMEOUT,
      warningBeforeMs: env.SESSION_WARNING_BEFORE,
    },
    maxSessionsPerUser: env.SESSION_MAX_PER_USER,
    store: storeConfig(env),
    throttle: {
      windowMs: env.SIGN_IN_THROTTLE_WINDOW,
      maxFailuresPerUser: env.SIGN_IN_MAX_FAILURES_PER_USER,
      maxFailuresPerAddress: env.SIGN_IN_MAX_FAILURES_PER_ADDRESS,
    },
    reauthWithinMs: env.SESSION_REAUTH_WITHIN,
    sweepEveryMs: env.SESSION_SWEEP_EVERY,
    eventsRetentionMs: env.SESSION_EVENTS_RETENTION,
  };
}

function storeConfig(env: z.infer<typeof EnvSchema>): StoreConfig {
  const kind = storeKind(env);
  if (kind === 'cookie') return { kind };
  if (kind === 'sqlite') return { kind, path: env.SESSION_DB_PATH };
  const prefix = env.REDIS_KEY_PREFIX ?? DEFAULT_KEY_PREFIX;
  // The schema has made sure that exactly one of the two is set.
  return env.REDIS_CLUSTER_NODES ? { kind, prefix, clusterNodes: env.REDIS_CLUSTER_NODES } : { kind, prefix, url: env.REDIS_URL ?? '' };
}

let cached: AppConfig | undefined;

/** The process's config, parsed once. `instrumentation.ts` calls this at start so a bad value stops the server. */
export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
