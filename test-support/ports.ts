import { createConnection } from 'node:net';

/** Whether something listens on `port` on loopback. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once `port` is open (or, with `open` false, closed); throws after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, open = true): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await canConnect(port)) !== open) {
    if (Date.now() > until) throw new Error(`port ${port} did not ${open ? 'open' : 'close'} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
