// No 'server-only' marker: the stores import it, and the e2e tests and the benchmarks open the stores in plain Node.
import { EventEmitter } from 'node:events';
import type { EndChannel, EndNotice } from './types';

/**
 * Ends heard in this process only: SQLite's channel, since its one file serves one app process. Each listener is
 * called on a later turn, as a notice from another instance would come, never inside the end that announced it.
 */
export class LocalEnds implements EndChannel {
  readonly #ends = new EventEmitter().setMaxListeners(0);

  async announceEnd(notice: EndNotice): Promise<void> {
    setImmediate(() => this.#ends.emit(notice.username, notice));
  }

  async listenForEnds(username: string, onEnd: (notice: EndNotice) => void): Promise<() => Promise<void>> {
    this.#ends.on(username, onEnd);
    return async () => {
      this.#ends.off(username, onEnd);
    };
  }
}
