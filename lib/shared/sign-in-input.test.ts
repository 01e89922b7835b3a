import { describe, expect, it } from 'vitest';
import { errorList } from './sign-in-errors';
import { SIGN_IN_MESSAGES, SignInBody, SignInForm, throttledMessage } from './sign-in-input';
import { DEMO } from '../../test-support/demo-accounts';
import { HOSTILE_USERNAMES } from '../../test-support/hostile-usernames';

/** The first message for `field`, or undefined when the input passes. */
function messageOf(result: ReturnType<typeof SignInBody.safeParse> | ReturnType<typeof SignInForm.safeParse>, field: string) {
  return result.success ? undefined : result.error.issues.find((issue) => issue.path[0] === field)?.message;
}

describe('the sign-in schema', () => {
  it.each(HOSTILE_USERNAMES)('answers $name alike as JSON and as a form post', ({ username, error }) => {
    const json = SignInBody.safeParse({ username, password: 'x' });
    const form = SignInForm.safeParse({ username, password: 'x', remember: null, returnTo: null });
    expect(messageOf(json, 'username')).toBe(error);
    expect(messageOf(form, 'username')).toBe(error);
  });

  it.each([
    [{}, 'Enter your username', 'Enter your password'],
    [{ username: 7, password: ['x'] }, 'Username must be text', 'Password must be text'],
    [{ username: 'ghost', password: '' }, undefined, 'Enter your password'],
    [{ username: 'ghost', password: 'p'.repeat(201) }, undefined, 'Password must be 200 characters or less'],
    [{ username: 'ghost', password: '\udfff' }, undefined, 'Password must be valid text'],
  ])('names what is wrong with each field of %j', (input, username, password) => {
    const result = SignInBody.safeParse(input);
    expect(messageOf(result, 'username')).toBe(username);
    expect(messageOf(result, 'password')).toBe(password);
  });

  it('reads the form as the browser posts it: a ticked box is "on", anything else is not ticked', () => {
    const base = { username: ` ${DEMO.username} `, password: DEMO.password, returnTo: '/dashboard' };
    expect(SignInForm.parse({ ...base, remember: 'on' })).toEqual({ username: DEMO.username, password: DEMO.password, remember: true, returnTo: '/dashboard' });
    expect(SignInForm.parse({ ...base, remember: null }).remember).toBe(false);
    expect(SignInForm.parse({ ...base, remember: 'yes' }).remember).toBe(false);
    expect(SignInForm.parse({ ...base, returnTo: null }).returnTo).toBeNull();
  });
});

describe('errorList', () => {
  it('lists field messages in the order of the form, and points messages about the attempt at the first field', () => {
    expect(errorList({ formErrors: [], fieldErrors: { password: ['Enter your password'], username: ['Enter your username', 'ignored'] } })).toEqual([
      { field: 'username', message: 'Enter your username' },
      { field: 'password', message: 'Enter your password' },
    ]);
    expect(errorList({ formErrors: [SIGN_IN_MESSAGES.wrongCredentials], fieldErrors: {} })).toEqual([{ field: 'username', message: 'Wrong username or password.' }]);
  });

  it('reads fields the form did not post (FormData.get gives null) as missing, not as the wrong type', () => {
    const result = SignInForm.safeParse({ username: null, password: null, remember: null, returnTo: null });
    expect(messageOf(result, 'username')).toBe(SIGN_IN_MESSAGES.usernameMissing);
    expect(messageOf(result, 'password')).toBe(SIGN_IN_MESSAGES.passwordMissing);
  });

  it('leaves "Keep me signed in" off unless the JSON says true, and a returnTo that is not text (a file) is none', () => {
    expect(SignInBody.parse({ username: 'ghost', password: 'x' }).remember).toBe(false);
    expect(SignInForm.parse({ username: 'ghost', password: 'x', remember: null, returnTo: new File(['/admin'], 'f') }).returnTo).toBeNull();
  });

  it('says how long to wait when throttled, rounded up to what is left', () => {
    expect(throttledMessage(90)).toBe('Too many failed sign-in attempts. Try again in 2 minutes.');
    expect(throttledMessage(1)).toBe('Too many failed sign-in attempts. Try again in 1 second.');
  });
});
