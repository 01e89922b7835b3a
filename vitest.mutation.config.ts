import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

// The unit tests as `npm test` runs them, for Stryker (stryker.config.mjs). Only the per-test timeout
// differs: Stryker stops a mutant that hangs with a timeout of its own, while vitest's 5 s would time
// the machine instead (the sign-in tests hash passwords with scrypt, and a busy machine makes them slow).
export default mergeConfig(base, defineConfig({ test: { testTimeout: 60_000 } }));
