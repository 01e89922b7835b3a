import 'server-only';
import { clipText } from '../../shared/clip-text';
import { EVENT_TEXT_MAX } from '../stores/event-schema';
/** "Firefox on Windows" from a User-Agent header: enough for a person to recognise their own device. */
export function describeUserAgent(userAgent: string): string {
  const ua = clipText(userAgent, EVENT_TEXT_MAX.userAgent);
  const browser = (
    [
      [/Edg\//, 'Edge'],
      [/OPR\//, 'Opera'],
      [/Firefox\//, 'Firefox'],
      [/HeadlessChrome\//, 'Headless Chrome'],
      [/Chrom(e|ium)\//, 'Chrome'],
      [/Safari\//, 'Safari'],
      [/^curl\//, 'curl'],
    ] as const
  ).find(([pattern]) => pattern.test(ua))?.[1];
  const system = (
    [
      [/iPhone|iPad|iPod/, 'iOS'],
      [/Android/, 'Android'],
      [/Windows/, 'Windows'],
      [/Mac OS X|Macintosh/, 'macOS'],
      [/CrOS/, 'ChromeOS'],
      [/Linux/, 'Linux'],
    ] as const
  ).find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? 'Unknown device';
}
