/**
 * What the "Confirm it's you" forms and the sensitive actions answer the browser with. No zod here: the
 * forms import these types only (see sign-in-errors.ts for why the browser carries no zod).
 */

/** A sensitive action's answer: `asks` grows each time it wants the password first (so each ask is a new state). */
export interface SensitiveState {
  asks: number;
}

export const SENSITIVE_INITIAL: SensitiveState = { asks: 0 };

/** Set by the browser once the page's scripts run: the action can then ask in a dialog instead of on a page of its own. */
export const SCRIPTED_FIELD = 'scripted';

/** The confirmation's answer: GOV.UK-style errors (about the password field, or about the attempt), or one more confirmation. */
export interface ConfirmState {
  errors: { password?: string; attempt?: string } | null;
  confirmed: number;
}

export const CONFIRM_INITIAL: ConfirmState = { errors: null, confirmed: 0 };

export const CONFIRM_TITLE = "Confirm it's you";

export const WRONG_PASSWORD = 'Wrong password';

/** What the user was doing when asked, for the page that asks without JavaScript: it is done after the confirmation. */
export type PendingAction = { then: 'sign-out-others' } | { then: 'end-session'; sessionId: string };
