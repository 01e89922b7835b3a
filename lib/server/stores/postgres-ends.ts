// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { createHash } from 'node:crypto';
import type { Database } from './postgres-connection';
import { parseEndNotice, serializeEndNotice } from './end-notice';
import type { EndChannel, EndNotice } from './types';

/**
 * Ends told between instances by Postgres's LISTEN and NOTIFY, on one channel per schema (so two apps sharing a
 * database hear only their own). Listening holds one connection of its own, opened with the first listener and
 * re-listened by the client after a reconnect; a NOTIFY is delivered at commit, at most 8,000 bytes (a notice is
 * under 300).
 */
export class PostgresEnds implements EndChannel {
  readonly #listeners = new Map<string, Set<(notice: EndNotice) => void>>();
  readonly #channel: string;
  #listening: Promise<{ unlisten(): Promise<void> }> | undefined;

  constructor(private readonly sql: Database, schema: string) {
    // A channel name is an identifier of at most 63 bytes; a schema's may be 63 already.
    this.#channel = `session_ends_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
  }

  async announceEnd(notice: EndNotice): Promise<void> {
    await this.sql.notify(this.#channel, serializeEndNotice(notice));
  }

  async listenForEnds(username: string, onEnd: (notice: EndNotice) => void): Promise<() => Promise<void>> {
    const listeners = this.#listeners.get(username) ?? new Set();
    listeners.add(onEnd);
    this.#listeners.set(username, listeners);
    this.#listening ??= this.sql.listen(this.#channel, (payload) => this.#deliver(payload)).catch((error: unknown) => {
      this.#listening = undefined;
      throw error;
    });
    try {
      await this.#listening;
    } catch (error) {
      this.#forget(username, onEnd);
      throw error;
    }
    return async () => {
      this.#forget(username, onEnd);
      if (this.#listeners.size > 0) return;
      const listening = this.#listening;
      this.#listening = undefined;
      await (await listening?.catch(() => undefined))?.unlisten().catch(() => {});
    };
  }

  #deliver(payload: string): void {
    const notice = parseEndNotice(payload);
    if (notice) for (const listener of this.#listeners.get(notice.username) ?? []) listener(notice);
  }

  #forget(username: string, onEnd: (notice: EndNotice) => void): void {
    const listeners = this.#listeners.get(username);
    listeners?.delete(onEnd);
    if (listeners?.size === 0) this.#listeners.delete(username);
  }
}
