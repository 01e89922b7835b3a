/**
 * What a sign-in sends, checked alike whether it arrives as JSON (`POST /api/session`) or as the login
 * form's post to its server action, with JavaScript or without: one schema, one set of messages. The
 * messages follow GOV.UK's error message style, so the JSON answer and the form say the same thing.
 * No secrets here, but zod: the login form imports only its types (see sign-in-errors.ts), since zod
 * probes for eval when it loads, which the page's Content-Security-Policy reports as a violation.
 */
import { z } from 'zod';
import { waitPhrase } from './duration';

export const SIGN_IN_MESSAGES = {
  usernameMissing: 'Enter your username',
  usernameNotText: 'Username must be text',
  usernameTooLong: 'Username must be 100 characters or less',
  usernameNotAllowed: 'Username must not include invisible or control characters',
  passwordMissing: 'Enter your password',
  passwordNotText: 'Password must be text',
  passwordTooLong: 'Password must be 200 characters or less',
  passwordBroken: 'Password must be valid text',
  wrongCredentials: 'Wrong username or password.',
} as const;

/** The wait is rounded up: an answer that said "in 14 minutes" when 14:30 are left would send people back too early. */
export const throttledMessage = (retryAfterS: number) => `Too many failed sign-in attempts. Try again in ${waitPhrase(retryAfterS * 1000)}.`;

const M = SIGN_IN_MESSAGES;
const absent = (input: unknown) => input === undefined || input === null;

// Control and invisible formatting characters (NUL, bidi overrides, zero-width) and broken UTF-16 are
// refused before any lookup: no real username holds them, and they make one name look like another.
// U+FFFD is what a broken character becomes on its way through a form post, so it is refused too.
export const printable = (text: string) => text.isWellFormed() && !/[\p{Cc}\p{Cf}\uFFFD]/u.test(text);

const credentials = {
  username: z
    .string({ error: (issue) => (absent(issue.input) ? M.usernameMissing : M.usernameNotText) })
    .trim()
    .min(1, M.usernameMissing)
    .max(100, M.usernameTooLong)
    .refine(printable, M.usernameNotAllowed),
  password: z
    .string({ error: (issue) => (absent(issue.input) ? M.passwordMissing : M.passwordNotText) })
    .min(1, M.passwordMissing)
    .max(200, M.passwordTooLong)
    .refine((text) => text.isWellFormed(), M.passwordBroken),
};

export type SignInField = keyof typeof credentials;

export const SignInBody = z.object({ ...credentials, remember: z.boolean().optional().default(false) });

/** The same fields as the form posts them (`FormData.get` values). */
export const SignInForm = z.object({
  ...credentials,
  // A ticked checkbox posts "on", an empty one nothing; any other value is not a tick.
  remember: z.unknown().optional().transform((value) => value === 'on'),
  returnTo: z.unknown().optional().transform((value) => (typeof value === 'string' ? value : null)),
});

/** zod's own flattened shape: messages per field, and `formErrors` about the attempt as a whole. */
export type SignInErrors = z.core.$ZodFlattenedError<z.infer<z.ZodObject<typeof credentials>>>;

/** What the sign-in action answers the form with; a success redirects instead. */
export interface SignInState {
  /** Null until an attempt fails. */
  errors: SignInErrors | null;
  /** Shown again after an error; the password never is. */
  values: { username: string; remember: boolean };
}
