/** The request header in which proxy.ts tells a layout its page's path (a layout is not told it otherwise). */
export const RETURN_TO_HEADER = 'x-return-to';

const FALLBACK = '/dashboard';

/**
 * A same-origin path to go back to after signing in, or the dashboard. Anything that a browser could
 * read as another origin (`//host`, `/\host`, `https:`, control characters, encoded forms of those) is refused.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return FALLBACK;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return FALLBACK;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return FALLBACK;
  try {
    const url = new URL(value, 'http://localhost');
    if (url.origin !== 'http://localhost') return FALLBACK;
    const decoded = decodeURIComponent(url.pathname);
    if (decoded.startsWith('//') || decoded.includes('\\')) return FALLBACK;
    if (url.pathname.startsWith('/login') || url.pathname.startsWith('/api/')) return FALLBACK;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return FALLBACK;
  }
}
