import { createRequire } from 'node:module';
import { afterEach, expect, it, vi } from 'vitest';

interface HeaderRule {
  source: string;
  headers: Array<{ key: string; value: string }>;
}

// next.config.js is CommonJS, read by Next at build time: the headers it returns are the ones every response gets.
const nextConfig = createRequire(import.meta.url)('../next.config.js') as { headers(): Promise<HeaderRule[]> };

afterEach(() => {
  vi.unstubAllEnvs();
});

async function hstsWhen(mode: string): Promise<string | undefined> {
  vi.stubEnv('NODE_ENV', mode);
  const rules = await nextConfig.headers();
  return rules.flatMap((rule) => rule.headers).find((header) => header.key === 'Strict-Transport-Security')?.value;
}

it('sends Strict-Transport-Security from production builds only', async () => {
  expect(await hstsWhen('production')).toBe('max-age=63072000; includeSubDomains');
  expect(await hstsWhen('development')).toBeUndefined();
});
