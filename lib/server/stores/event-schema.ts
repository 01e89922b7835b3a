// No 'server-only' marker: the stores import it, and the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { z } from 'zod';
import { EVENT_KINDS } from '../../shared/session-events';

/** The longest text an event keeps of what a client sent (a User-Agent, an address, a username typed at sign-in), and of a provider's name. */
export const EVENT_TEXT_MAX = { userAgent: 512, address: 64, username: 100, provider: 64 } as const;

/**
 * One stored session event, as both stores keep it (SQLite a JSON column beside its indexed ones, Redis the
 * members of sorted sets) and as the standard-output line carries it. No session id: the session is named by
 * the tag the browser already knows (`sessionTag`), so neither a log line nor a page can hand out a cookie's key.
 */
export const sessionEventSchema = z
  .object({
    id: z.string().min(1).max(64),
    at: z.int().nonnegative(),
    kind: z.enum(EVENT_KINDS),
    username: z.string().min(1).max(EVENT_TEXT_MAX.username),
    sessionTag: z.string().min(1).max(32).optional(),
    actor: z.discriminatedUnion('by', [
      z.object({ by: z.literal('user') }).strict(),
      z.object({ by: z.literal('admin'), username: z.string().min(1).max(EVENT_TEXT_MAX.username) }).strict(),
      z.object({ by: z.literal('system') }).strict(),
      z.object({ by: z.literal('provider'), name: z.string().min(1).max(EVENT_TEXT_MAX.provider) }).strict(),
    ]),
    details: z
      .object({
        userAgent: z.string().max(EVENT_TEXT_MAX.userAgent).optional(),
        address: z.string().max(EVENT_TEXT_MAX.address).optional(),
        reason: z.string().max(32).optional(),
        afterMs: z.int().nonnegative().optional(),
        provider: z.string().max(EVENT_TEXT_MAX.provider).optional(),
      })
      .strict(),
  })
  .strict();

export type SessionEvent = z.infer<typeof sessionEventSchema>;

/** The event, or `undefined` when the stored text does not make one (logged without its content). */
export function parseSessionEvent(text: string): SessionEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = sessionEventSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  console.warn('A stored session event could not be read; it is left out');
  return undefined;
}

/**
 * The stored text: the id first, so that Redis, which orders members of equal score by their bytes, puts two
 * events of one millisecond in the order SQLite gives them (by id).
 */
export function serializeSessionEvent(event: SessionEvent): string {
  const { id, ...rest } = event;
  return JSON.stringify({ id, ...rest });
}
