// Mutation testing (`npm run test:mutation`, not part of `npm test`): Stryker plants one small bug at a
// time in the files below and runs the unit tests that cover it; a bug no test notices "survives".
// https://stryker-mutator.io/docs/stryker-js/configuration/

//
// Static mutants (constants evaluated when a module loads: the Lua scripts and key names of the Redis
// store, the duration pattern, the tab message types) are kept. They cost one full run of the related
// tests each (32 of 799 mutants), and 20 of them are killed: bugs worth catching.
//
// Line numbers and private names below are those of the run README quotes, made before the timing core
// took explicit states (#gatherUntil/#waitUntil are now its election, #failures/#retryAt its retry,
// #settle is #resetAfterExtension, #schedule #scheduleNextCheck; since then the class became a closure,
// createTimeoutController, whose private fields are local variables, with #schedule folded into check)
// and before the stores read their rows through one record schema (which removed the role and end-reason
// fallbacks listed for them).
// lib/shared/sign-in-input.ts: its four survivors of that run are killed by sign-in-input.test.ts.
//
// Mutants that survive, and why. Each would need a test that cannot exist (the mutant behaves the
// same) or one that pins an accident; they stay counted as survivors rather than hidden.
//
// lib/shared/return-to.ts
//   8  `value.length === 0` -> false: '' fails the startsWith('/') test on the next line anyway.
//   9  `value.startsWith('/\\')` -> endsWith: line 10 refuses a backslash anywhere.
//   13 `url.origin !== 'http://localhost'` -> false: unreachable once lines 8-10 have passed (a path that
//      starts with one slash and holds no backslash or control character stays on the base's origin);
//      kept as a second line of defence.
// lib/shared/session-status.ts
//   32 `typeof value === 'string'` -> true: includes() finds nothing but strings in a list of strings;
//      the typeof is there for the type guard.
// lib/client/tab-channel.ts
//   39 `typeof data === 'object'` -> true: a string or number has no `type` in TYPES either.
//      (`data !== null` -> true is counted as an error, not a survivor: a null posted on the channel then
//      throws inside the message handler and crashes the test process.)
// lib/client/timeout-controller.ts
//   62  the id without `.slice(2)`: every id then starts with "0.", so ids still sort the same.
//   64  the first `#deadlines` -> {}: the constructor sets them before anything reads them.
//   143 the absolute-warning branch without `phase === 'active'`, or with `active || absoluteFirst`:
//       differs only while a tab is still active past its idle warning point (a report on its way, or
//       15 s waiting for another tab) with the absolute limit inside the warning window, or when two
//       tabs' deadlines differ by the milliseconds between their page loads; the next answer makes the
//       absolute deadline the first and opens the absolute warning either way.
//   156 `phase === 'signed-out'` -> false: every message a signed-out tab could act on is ignored
//       further down (a query needs 'active', a sign-out ends once, the others end in a check that
//       returns). `message.from === this.#id` -> false: neither BroadcastChannel nor a storage event
//       delivers a tab's own message.
//   163 `message.from < this.#id` -> `<=` (two ids are never equal) or `>=` (the opposite tie rule also
//       lets exactly one tab decide; which one is not observable, and both know the same activity).
//   164 `this.#broadcast?.(` -> `this.#broadcast(`: receive is only ever wired to the channel given to start.
//   169 `busy: this.#gatherUntil > 0 || …` -> false: a tab that is gathering has sent its own query,
//       and the tie rule on queries makes the asker hold back anyway.
//   182 on 'warning', `phase === 'active'` -> true: only a tab in the absolute warning differs, and it
//       hears an idle warning only if its deadlines differ from the sender's by milliseconds.
//   226 #settle's `phase === 'warning'` -> true: it is always followed by a check, which reopens the
//       absolute warning before anything is published.
//   268 #schedule's `stopped || signed-out` guard, four mutants: #schedule is called only from check,
//       which has already returned in both cases.
//   271 `phase === 'active'` -> true: during a warning, the warning points it adds are past or later
//       than the next second's tick.
//   272 the retry wake-up pushed without a failure, or while the retry is on its way (`true`, `||`,
//       `>= 0`): retryAt is then in the past and filtered out.
//
// lib/server/stores/sqlite.ts and redis.ts: their survivors are left for the stores' next changes,
// which rewrite that code. What they reveal:
//   - failure counters: one key for every counter (redis 13 `f:${key}` -> ``), failures() with `&&`
//     for `||` or `now - ttl` (redis 186), purge that keeps expired counters (sqlite 131): no test counts
//     two keys apart, checks the resetAt that failures() returns, or purges a counter;
//   - Redis indexes: trimming on list and purgeExpired() removed or given empty bounds (redis 12, 153,
//     154, 172, 173) and the JS filter after them (157, 159): the filter hides a stale index, and the
//     index hides a broken filter, so neither is pinned on its own;
//   - endOthers: an empty lower bound or counting every END (redis 141, 146): no test ends others while
//     one of them has already ended or expired;
//   - Redis reading back `remember: false` as true (redis 60): every test that reads a record back
//     whole signed in with remember;
//   - end() of a missing record (redis 135), and decoding odd rows: role and end-reason fallbacks, a
//     missing user agent, `||` -> `&&` on the id check (redis 51-65, sqlite 69-83, 123, 127, 158),
//     none reachable from rows the stores wrote themselves;
//   - connecting: the offline queue, connectTimeout and reconnectStrategy, the 'error' listener's event
//     name, the isReady/isOpen branches and the timeout timer's clearTimeout (redis 41-46, 82-100):
//     only "unreachable fails fast" is a unit test; Redis stopped and started again is an e2e test;
//   - close() doing nothing (redis 196-197, sqlite 149-150): no test reopens after a close;
//   - equivalent: `kind` -> '' (redis 75, sqlite 90, read by nothing mutated here), remember stored as
//     '' for '0' (redis 112: read back as `=== '1'`), node:sqlite missing and ':memory:' skipping
//     mkdir (sqlite 10, 12: Node 24 has node:sqlite, and mkdir of '.' is harmless).

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [
    // The shared rules.
    'lib/shared/session-policy.ts',
    'lib/shared/duration.ts',
    'lib/shared/return-to.ts',
    'lib/shared/session-status.ts',
    'lib/client/announcement.ts',
    'lib/shared/timeout-words.ts',
    'lib/shared/clock-time.ts',
    'lib/shared/sign-in-input.ts',
    'lib/server/http/user-agent.ts',
    // The timing core.
    'lib/client/timeout-controller.ts',
    'lib/client/tab-channel.ts',
    // The stores.
    'lib/server/stores/sqlite.ts',
    'lib/server/stores/sqlite-schema.ts',
    'lib/server/stores/redis.ts',
    'lib/server/stores/redis-records.ts',
  ],
  // The sandbox needs only what the unit tests load (lib/, and test-support/ for their setup, demo accounts and
  // Redis); the rest (the build, e2e, bench) would only be copied. `npm test` runs the dry run
  // (`npm run test:mutation:dry`), so a sandbox that lacks something fails there, not an hour into this run.
  ignorePatterns: ['/*', '!/lib', '!/test-support', '!/vitest.config.ts', '!/vitest.mutation.config.ts', '!/tsconfig.json', '!/package.json'],
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
