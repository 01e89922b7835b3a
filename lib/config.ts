import 'server-only';
import { z } from 'zod';
import { parseDuration } from './duration';
import type { TimeoutPolicy } from './session-policy';

const MIN_SECRET_LENGTH = 32;
/** WCAG 2.2.1 Timing Adjustable: people get at least 20 seconds to answer a timeout warning. */
const MIN_WARNING_MS = 20_000;

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

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    SESSION_SECRET: z
      .string({ error: 'is missing: set it to a random string of at least 32 characters (openssl rand -base64 32)' })
      .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters long (openssl rand -base64 32)`),
    SESSION_IDLE_TIMEOUT: duration('30m'),
    SESSION_IDLE_TIMEOUT_USER: z.string().optional(),
    SESSION_IDLE_TIMEOUT_ADMIN: duration('8h'),
    SESSION_WARNING_BEFORE: duration('5m'),
    SESSION_ABSOLUTE_TIMEOUT: duration('12h'),
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
    const shortestIdle = Math.min(env.SESSION_IDLE_TIMEOUT_USER, env.SESSION_IDLE_TIMEOUT_ADMIN);
    if (env.SESSION_WARNING_BEFORE < MIN_WARNING_MS) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_WARNING_BEFORE'], message: 'must be at least 20 seconds, so people have time to answer the warning (WCAG 2.2.1)' });
    } else if (env.SESSION_WARNING_BEFORE >= shortestIdle) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_WARNING_BEFORE'], message: 'must be shorter than every idle timeout, or the warning would open at once' });
    }
  });

export interface AppConfig {
  production: boolean;
  secret: string;
  policy: TimeoutPolicy;
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
    policy: {
      idleMs: { user: env.SESSION_IDLE_TIMEOUT_USER, admin: env.SESSION_IDLE_TIMEOUT_ADMIN },
      absoluteMs: env.SESSION_ABSOLUTE_TIMEOUT,
      warningBeforeMs: env.SESSION_WARNING_BEFORE,
    },
  };
}

let cached: AppConfig | undefined;

/** The process's config, parsed once. `instrumentation.ts` calls this at start so a bad value stops the server. */
export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
