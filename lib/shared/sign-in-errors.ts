/**
 * How the login form lists what went wrong, GOV.UK's way. Free of zod (types only from the schema),
 * so the form's bundle carries none of it.
 */
import type { SignInErrors, SignInField } from './sign-in-input';

/** The fields in the order the form shows them, which is the order the error summary lists them in. */
export const SIGN_IN_FIELDS = ['username', 'password'] as const satisfies readonly SignInField[];

/** Field messages in the form's order, then the ones about the whole attempt, which point at the first field. */
export function errorList(errors: SignInErrors): Array<{ field: SignInField; message: string }> {
  const perField = SIGN_IN_FIELDS.flatMap((field) => {
    const message = errors.fieldErrors[field]?.[0];
    return message ? [{ field, message }] : [];
  });
  return [...errors.formErrors.map((message) => ({ field: SIGN_IN_FIELDS[0], message })), ...perField];
}
