// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { parseSessionRecord } from './record-schema';
import type { ProviderLink, SessionRecord } from './types';

/** A session record as a Redis hash holds it, and as the store's scripts answer with it. */

// A hash field is a string; only digits make a time. Anything else is passed on as it is, for the schema to refuse
// (Number() would read '' as 0 and '1e400' as Infinity).
const integer = (text: string | undefined) => (text !== undefined && /^-?\d+$/.test(text) ? Number(text) : text);

// Fields to the record's names and types; an absent endedAt is how the hash says "not ended". The schema judges the rest.
export function toRecord(hash: Record<string, string>): SessionRecord | undefined {
  // What hGetAll answers for a key that does not exist (never made, or expired by Redis): not a broken record.
  if (Object.keys(hash).length === 0) return undefined;
  const { providerSubject, providerSessionId, providerIdToken, ...fields } = hash;
  return parseSessionRecord({
    ...fields,
    createdAt: integer(hash.createdAt),
    lastActivityAt: integer(hash.lastActivityAt),
    authenticatedAt: integer(hash.authenticatedAt),
    expiresAt: integer(hash.expiresAt),
    purgeAt: integer(hash.purgeAt),
    remember: hash.remember === '1' ? true : hash.remember === '0' ? false : hash.remember,
    endedAt: integer(hash.endedAt),
    providerLink: providerSubject === undefined ? undefined : { subject: providerSubject, idToken: providerIdToken, ...(providerSessionId === undefined ? {} : { sessionId: providerSessionId }) },
  });
}

/** The record's provider link as the hash's flat fields: none without one. */
export function providerFields(provider: ProviderLink | undefined): Record<string, string> {
  if (!provider) return {};
  return { providerSubject: provider.subject, providerIdToken: provider.idToken, ...(provider.sessionId === undefined ? {} : { providerSessionId: provider.sessionId }) };
}

// A script's reply of HGETALL: field, value, field, value…
export function fromPairs(reply: unknown): Record<string, string> {
  const flat = Array.isArray(reply) ? reply.map(String) : [];
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  return hash;
}

// A script's reply of one HGETALL per record it ended.
export const endedRecords = (reply: unknown): SessionRecord[] =>
  (Array.isArray(reply) ? reply : []).flatMap((fields: unknown) => toRecord(fromPairs(fields)) ?? []);
