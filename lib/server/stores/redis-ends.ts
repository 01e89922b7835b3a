// No 'server-only' marker: the e2e tests and the benchmarks open the stores in plain Node. Lint keeps the browser out.
import { withTimeout, type Connection, type Redis } from './redis-connection';
import type { RedisKeys } from './redis-keys';
import { parseEndNotice, serializeEndNotice } from './end-notice';
import { CONNECT_WAIT_MS, type EndChannel, type EndNotice } from './types';

/**
 * Ends told between instances by Redis's sharded pub/sub (SPUBLISH, SSUBSCRIBE; Redis 7): one channel per user, in
 * the user's hash slot, so on a cluster a notice travels on the shard that holds the user's sessions and no other.
 * Listening takes a connection of its own (a subscribed connection can do nothing else), opened with the first
 * listener, and each channel is subscribed while any listener of its user remains.
 */
export class RedisEnds implements EndChannel {
  readonly #listeners = new Map<string, Set<(notice: EndNotice) => void>>();
  #subscriber: Promise<Connection> | undefined;

  constructor(
    private readonly run: <T>(work: (redis: Redis) => Promise<T>) => Promise<T>,
    private readonly keys: RedisKeys,
    private readonly duplicate: () => Connection,
  ) {}

  async announceEnd(notice: EndNotice): Promise<void> {
    await this.run((redis) => redis.sPublish(this.keys.ends(notice.username), serializeEndNotice(notice)));
  }

  async listenForEnds(username: string, onEnd: (notice: EndNotice) => void): Promise<() => Promise<void>> {
    const channel = this.keys.ends(username);
    const listeners = this.#listeners.get(channel) ?? new Set();
    listeners.add(onEnd);
    if (listeners.size === 1) {
      this.#listeners.set(channel, listeners);
      try {
        const subscriber = await this.subscriber();
        await subscriber.sSubscribe(channel, (message) => {
          const notice = parseEndNotice(message);
          if (notice?.username === username) for (const listener of this.#listeners.get(channel) ?? []) listener(notice);
        });
      } catch (error) {
        // Not subscribed: forgotten, so the next listener of this user subscribes again.
        this.#forget(channel, listeners, onEnd);
        throw error;
      }
    }
    return async () => {
      if (this.#forget(channel, listeners, onEnd)) await (await this.subscriber()).sUnsubscribe(channel).catch(() => {});
    };
  }

  /** Drops `onEnd`; true when it was the channel's last listener, and the channel is forgotten too. */
  #forget(channel: string, listeners: Set<(notice: EndNotice) => void>, onEnd: (notice: EndNotice) => void): boolean {
    listeners.delete(onEnd);
    if (listeners.size > 0 || this.#listeners.get(channel) !== listeners) return false;
    this.#listeners.delete(channel);
    return true;
  }

  private subscriber(): Promise<Connection> {
    this.#subscriber ??= (async () => {
      const connection = this.duplicate();
      // A dropped subscriber reconnects and subscribes again by itself; what it missed meanwhile, screens re-check.
      connection.on('error', () => {});
      try {
        // Waited for as long as a request waits for Redis, no longer: the stream then answers 503.
        await withTimeout(connection.connect(), CONNECT_WAIT_MS);
      } catch (error) {
        connection.destroy();
        throw error;
      }
      return connection;
    })().catch((error: unknown) => {
      this.#subscriber = undefined;
      throw error;
    });
    return this.#subscriber;
  }

  async close(): Promise<void> {
    const subscriber = await this.#subscriber?.catch(() => undefined);
    if (subscriber?.isOpen) subscriber.destroy();
  }
}
