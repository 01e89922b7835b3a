// No 'server-only' marker: the stores import it, and the e2e tests and the benchmarks open the stores in plain Node.
import { isEndReason } from '../../shared/session-status';
import type { EndNotice } from './types';

/** An end notice as it travels between instances (a Redis message, a Postgres NOTIFY payload): JSON, checked on arrival. */

export const serializeEndNotice = ({ id, username, reason }: EndNotice): string => JSON.stringify({ id, username, reason });

export function parseEndNotice(text: string): EndNotice | undefined {
  try {
    const { id, username, reason } = JSON.parse(text) as Record<string, unknown>;
    return typeof id === 'string' && typeof username === 'string' && isEndReason(reason) ? { id, username, reason } : undefined;
  } catch {
    return undefined;
  }
}
