/**
 * One browser's cookie jar, standing in for Next's request and response cookies in unit tests:
 * `vi.mock('next/headers', () => import('<path>/test-support/cookie-jar'))`, and `jar` is what the browser holds.
 * A cookie set empty is gone, as a browser drops one whose Max-Age is 0.
 */
export const jar = new Map<string, string>();

export async function cookies() {
  return {
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
    set: (name: string, value: string) => (value === '' ? jar.delete(name) : jar.set(name, value)),
  };
}
