import 'server-only';
import { z } from 'zod';
import { parseDuration } from '../shared/duration';

/** The parsers settings share: config.ts's and each store's in stores/registry.ts. */

/** An environment variable set to the empty string counts as unset, as a blank line in a .env file means. */
export const blankIsUnset = z
  .string()
  .optional()
  .transform((text) => (text === '' ? undefined : text));

/** A duration such as `30m`, `90s`, `12h` or plain seconds, in milliseconds; `fallback` when unset. */
export function duration(fallback: string) {
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

/** A whole number of at least 1; `fallback` when unset. */
export function count(fallback: number) {
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
