/**
 * The one shape of an expected outcome, across the app: `ok` says which, `value` or `reason` says what.
 * Errors that nobody expects (a store that cannot be reached) are thrown instead, and answered 503.
 */
export type Result<T, Reason extends string> = { ok: true; value: T } | { ok: false; reason: Reason };
