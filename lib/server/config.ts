import 'server-only';
import { z } from 'zod';
import type { Ok, Refused } from '../shared/result';
import { parseDuration } from '../shared/duration';
import { DEFAULT_LIFETIMES, type TimeoutPolicy } from '../shared/session-policy';
import { blankIsUnset, count, duration } from './env-schemas';
import { parseOidcSettings, type OidcSettings } from './oidc/settings';
import { DEFAULT_STORE, STORE_KINDS, STORES, type StoreConfig, type StoreKind } from './stores/registry';

const MIN_SECRET_LENGTH = 32;
/** WCAG 2.2.1 Timing Adjustable: people get at least 20 seconds to answer a timeout warning. */
const MIN_WARNING_MS = 20_000;
/** The shortest SESSION_REAUTH_WITHIN: durations parse to milliseconds, but a window under a second is no window. */
const MIN_REAUTH_MS = 1_000;
/** The shortest SESSION_SWEEP_EVERY: a sweep reads the expiry index, so many a second would be load for nothing. */
const MIN_SWEEP_MS = 1_000;

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
    SIGN_IN_THROTTLE_WINDOW: duration('15m'),
    SIGN_IN_MAX_FAILURES_PER_USER: count(5),
    SIGN_IN_MAX_FAILURES_PER_ADDRESS: count(50),
    SESSION_MAX_PER_USER: count(20),
    SESSION_REAUTH_WITHIN: duration('5m'),
    SESSION_SWEEP_EVERY: duration('1m'),
    SESSION_EVENTS_RETENTION: duration('30d'),
    SESSION_STREAMS_MAX: count(5_000),
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

export interface ThrottlePolicy {
  windowMs: number;
  maxFailuresPerUser: number;
  maxFailuresPerAddress: number;
}

export type { StoreConfig, StoreKind };

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
  /** Pages told of their session's end (`GET /api/session/events`) this process holds open at most. */
  streamsMax: number;
  /** Signing in through an OpenID provider, beside the password form; `undefined` without `OIDC_ISSUER`. */
  oidc?: OidcSettings;
}

/** Reads the environment into a config, or throws one error that names every variable that is wrong. */
export function parseConfig(source: Record<string, string | undefined>): AppConfig {
  const result = EnvSchema.safeParse(source);
  const store = storeConfig(result.success ? result.data.SESSION_STORE : undefined, source);
  const oidc = parseOidcSettings(source);
  const lines = [...(result.success ? [] : result.error.issues.map(line)), ...(store.ok ? [] : store.issues), ...(oidc.success ? [] : oidc.error.issues.map(line))];
  // A provider ends its sessions by calling the app (back-channel logout): with nothing kept on the server, that call
  // could end nothing, and a session the provider ended would go on. Refused rather than half done.
  if (oidc.success && oidc.data && store.ok && !STORES[store.value.kind].keepsRecords) {
    lines.push('  OIDC_ISSUER is set, but SESSION_STORE=cookie keeps nothing a sign-out at the provider could end: choose a store that keeps records, or unset OIDC_ISSUER');
  }
  if (!result.success || !store.ok || !oidc.success || lines.length > 0) throw new Error(`Invalid session configuration:\n${lines.join('\n')}`);
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
    store: store.value,
    throttle: {
      windowMs: env.SIGN_IN_THROTTLE_WINDOW,
      maxFailuresPerUser: env.SIGN_IN_MAX_FAILURES_PER_USER,
      maxFailuresPerAddress: env.SIGN_IN_MAX_FAILURES_PER_ADDRESS,
    },
    reauthWithinMs: env.SESSION_REAUTH_WITHIN,
    sweepEveryMs: env.SESSION_SWEEP_EVERY,
    eventsRetentionMs: env.SESSION_EVENTS_RETENTION,
    streamsMax: env.SESSION_STREAMS_MAX,
    ...(oidc.data ? { oidc: oidc.data } : {}),
  };
}

/**
 * The store the environment chooses, with its settings; or a line naming the variable for each thing wrong: a
 * setting of the chosen store, or a variable only another store reads. Without `SESSION_STORE`, a store's own
 * settings alone may choose it (a Redis setting means Redis, as before `SESSION_STORE` existed).
 */
function storeConfig(named: StoreKind | undefined, source: Record<string, string | undefined>): Ok<StoreConfig> | Refused<'invalid', { issues: string[] }> {
  const chosen = STORE_KINDS.flatMap((candidate) => {
    const variable = STORES[candidate].chosenBy?.(source);
    return variable ? [{ kind: candidate, variable }] : [];
  });
  const kind = named ?? chosen[0]?.kind ?? DEFAULT_STORE;
  const issues: string[] = [];
  // Two stores chosen by their variables alone: which one was meant is the deployment's to say, not a guess here.
  if (named === undefined && chosen.length > 1) {
    const which = chosen.map(({ kind: candidate, variable }) => `${variable} (${STORES[candidate].name})`).join(' and ');
    issues.push(`  SESSION_STORE is unset, and ${which} each choose a store: set SESSION_STORE to the one that keeps the sessions`);
  }
  for (const other of STORE_KINDS) {
    const { variables, name } = STORES[other];
    if (!variables) continue;
    const parsed = variables.safeParse(source);
    if (!parsed.success) issues.push(...parsed.error.issues.map(line));
    if (other === kind) continue;
    for (const variable of Object.keys(variables.shape)) {
      if (source[variable] !== undefined && source[variable] !== '') issues.push(`  ${variable} is set, but SESSION_STORE=${kind} does not use ${name}: unset one of them`);
    }
  }
  const settings = STORES[kind].settings.safeParse(source);
  // A malformed variable is named once, above; what its store's settings add is only what holds them together.
  if (!settings.success && issues.length === 0) issues.push(...settings.error.issues.map(line));
  if (issues.length > 0 || !settings.success) return { ok: false, reason: 'invalid', issues };
  return { ok: true, value: { kind, ...settings.data } as StoreConfig };
}

const line = (issue: z.core.$ZodIssue) => `  ${issue.path.join('.')} ${issue.message}`;

/** The secret to seal with, and the one before the last rotation to read with too: for every sealed or signed cookie. */
export function cookieSecrets(): { current: string; previous?: string } {
  const { secret, previousSecret } = config();
  return previousSecret ? { current: secret, previous: previousSecret } : { current: secret };
}

let cached: AppConfig | undefined;

/** The process's config, parsed once. `instrumentation.ts` calls this at start so a bad value stops the server. */
export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
