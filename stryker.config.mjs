// Mutation testing (`npm run test:mutation`, not part of `npm test`): Stryker plants one small bug at a
// time in the files below and runs the unit tests that cover it; a bug no test notices "survives".
// https://stryker-mutator.io/docs/stryker-js/configuration/

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [
    // The shared rules.
    'lib/session-policy.ts',
    'lib/duration.ts',
    'lib/return-to.ts',
    'lib/session-status.ts',
    'lib/announcement.ts',
    'lib/user-agent.ts',
    // The timing core.
    'lib/timeout-controller.ts',
    'lib/tab-channel.ts',
    // The stores.
    'lib/session-store/sqlite.ts',
    'lib/session-store/redis.ts',
  ],
  // The sandbox needs only what the unit tests load; the rest (the build, e2e, bench) would only be copied.
  ignorePatterns: ['/*', '!/lib', '!/vitest.config.ts', '!/vitest.mutation.config.ts', '!/tsconfig.json', '!/package.json'],
  concurrency: 2,
  // A run slower than its dry run by more than this (plus 1.5 times the tests' own time) counts as a
  // hang. The default 5 s is too tight on a shared 2-core machine: load alone made mutants "time out".
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
};

export default config;
