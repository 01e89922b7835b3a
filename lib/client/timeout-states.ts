/** The controller's inner states beside its phase (who decides at the warning point, a keep-alive to retry), and their timings. */

/** Which tab decides at the idle warning point. */
export type Election =
  | { kind: 'none' }
  /** This tab decides: it collects the other tabs' answers until `until`. */
  | { kind: 'gathering'; until: number }
  /** Another tab decides: this one waits for its outcome until `until`, then decides after all. */
  | { kind: 'deferred'; until: number };

/** A keep-alive that did not reach the server, and when it is sent again. */
export type Retry = { kind: 'none' } | { kind: 'due'; at: number; failures: number };

/** Who ended the session: the tab that did tells the others and ends it on the server. */
export interface EndedBy {
  by: 'this-tab' | 'another-tab';
}

export const NO_ELECTION: Election = { kind: 'none' };
export const NO_RETRY: Retry = { kind: 'none' };

export const RETRY_FIRST_MS = 2_000;
export const RETRY_MAX_MS = 30_000;
/** How long a tab at the warning point waits for the other tabs to say when they last saw the user. */
export const GATHER_MS = 250;
/** How long a tab that answered waits for the asker's outcome (a keep-alive may take 10 s) before deciding itself. */
export const OUTCOME_WAIT_MS = 15_000;
// Browsers run a setTimeout longer than 2^31-1 ms at once.
export const MAX_TIMER_MS = 2_147_483_647;
