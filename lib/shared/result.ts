/**
 * The one shape of an expected outcome, across the app: `ok` says which; `value` holds what came of it, `reason` why
 * not. A refusal may carry what its reason needs besides (`retryAfterS` beside `throttled`): `Refused<Reason, Details>`.
 * Errors that nobody expects (a store that cannot be reached) are thrown instead, and answered 503.
 */
export type Ok<T> = { ok: true; value: T };
export type Refused<Reason extends string, Details extends object = Record<never, never>> = { ok: false; reason: Reason } & Details;
export type Result<T, Reason extends string> = Ok<T> | Refused<Reason>;
