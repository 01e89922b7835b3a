// No 'server-only' marker: the stores import it, and the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { z } from 'zod';
import { ROLES } from '../../shared/session-policy';
import { END_REASONS } from '../../shared/session-status';
import type { ProviderLink, SessionRecord } from './types';

// Epoch milliseconds: whole and safe. NaN, Infinity, a fraction or a string is a broken record, never a time.
const time = z.int();

/**
 * What a stored session record must hold to be believed. Both stores map their own shape (SQLite's
 * snake_case columns, Redis's string fields) to these names and nothing more: no default, no coercion.
 * A record that fails is no record, so its cookie reads as invalid: guessing 'user' for a role it does not
 * know, or 'revoked' for an end it cannot read, would vouch for a session nobody issued.
 */
export const sessionRecordSchema = z
  .object({
    id: z.string().min(1),
    username: z.string().min(1),
    role: z.enum(ROLES),
    createdAt: time,
    lastActivityAt: time,
    authenticatedAt: time,
    expiresAt: time,
    purgeAt: time,
    remember: z.boolean(),
    userAgent: z.string(),
    endedAt: time.optional(),
    endReason: z.enum(END_REASONS).optional(),
    providerLink: z.object({ subject: z.string().min(1), sessionId: z.string().min(1).optional(), idToken: z.string().min(1) }).strict().optional(),
  })
  .refine((record) => (record.endedAt === undefined) === (record.endReason === undefined), {
    message: 'an ended record has both when and why',
    path: ['endReason'],
  });

// `SessionRecord` stays written out in types.ts, where its fields are explained; this fails to compile if the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const schemaMatchesRecord: Same<z.infer<typeof sessionRecordSchema>, SessionRecord> = true;

/** The record, or `undefined` when the fields do not make one (the log names which fields, never their values). */
export function parseSessionRecord(fields: Record<string, unknown>): SessionRecord | undefined {
  const parsed = sessionRecordSchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const broken = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
  console.warn(`A stored session record could not be read (${broken}); it counts as no record`);
  return undefined;
}

/** The provider's three columns as the record's link: none when no subject is written. (SQLite's and Postgres's columns.) */
export function providerOf(subject: unknown, sessionId: unknown, idToken: unknown): Record<string, unknown> | undefined {
  if (subject === null || subject === undefined) return undefined;
  return { subject, idToken, ...(sessionId === null || sessionId === undefined ? {} : { sessionId }) };
}

/** The record's link as the three columns, NULL where there is none. */
export function providerColumns(provider: ProviderLink | undefined) {
  return { providerSubject: provider?.subject ?? null, providerSessionId: provider?.sessionId ?? null, providerIdToken: provider?.idToken ?? null };
}
