import 'server-only';
import { clipText } from '../../shared/clip-text';

/** The longest account name kept: the sign-in schema's limit. */
export const ACCOUNT_NAME_MAX = 100;

/**
 * The one form of a username as typed, wherever it is compared, counted or written down: the sign-in and its
 * throttle, "Confirm it's you", the events a sign-in writes, the administrator's filter. As RFC 8265's
 * UsernameCaseMapped profile does it: compatibility and width forms folded (NFKC, so "ｄｅｍｏ" is "demo"), case
 * folded, the spaces around it gone; then cut to 100 units between characters (NFKC can lengthen a name the
 * schema let through: "ﬁ" becomes "fi"), never inside a surrogate pair, which no store could encode in a key.
 */
export function accountName(typed: string): string {
  return clipText(typed.normalize('NFKC').trim().toLowerCase(), ACCOUNT_NAME_MAX);
}
