import { startChild, type Child } from './child-process';

/**
 * An X server of our own for MiniBrowser, which has no headless mode. `-displayfd` lets Xvfb pick a
 * free display and tell us its number, so suites running side by side never share one.
 */
export async function startXvfb(executable: string): Promise<Child & { display: string }> {
  const xvfb = startChild(executable, ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x900x24'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const announced = new Promise<string>((resolve) => {
    let text = '';
    xvfb.process.stdio[3]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
  });
  const display = await Promise.race([announced, xvfb.failed]);
  return { pid: xvfb.process.pid ?? 0, display, stop: xvfb.stop };
}
