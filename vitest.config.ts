import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('.', import.meta.url)),
      // `server-only` throws outside React Server Components; unit tests import server modules directly.
      'server-only': fileURLToPath(new URL('./test-support/server-only-stub.ts', import.meta.url)),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts', 'test-support/**/*.test.ts', 'components/**/*.test.tsx'],
    environment: 'node',
    // Vitest leaves a core free, which on 2 cores means one file at a time; the long files wait on Redis and
    // SQLite's busy timeout more than they compute, so two at once take 35 s instead of 55.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['test-support/vitest-global-setup.ts'],
    setupFiles: ['test-support/vitest-setup.ts'],
  },
});
