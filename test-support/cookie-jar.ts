/**
 * One browser's cookie jar, standing in for Next's request and response cookies in unit tests:
 * `vi.mock('next/headers', () => import('<path>/test-support/cookie-jar'))`, and `jar` is what the browser holds.
 * As a browser does, it drops a cookie set with a Max-Age of 0 (and keeps one set empty without it).
 */
export const jar = new Map<string, string>();

export async function cookies() {
  return {
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
    set: (name: string, value: string, options: { maxAge?: number } = {}) => (options.maxAge === 0 ? jar.delete(name) : jar.set(name, value)),
  };
}
