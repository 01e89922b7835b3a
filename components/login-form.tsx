'use client';

import { useActionState, type FormEvent, type InputHTMLAttributes } from 'react';
import { signInAction } from '@/lib/server/actions';
import { errorList } from '@/lib/shared/sign-in-errors';
import { ErrorSummary } from './error-summary';
import type { SignInField, SignInState } from '@/lib/shared/sign-in-input';

const INITIAL: SignInState = { errors: null, values: { username: '', remember: false } };

/**
 * A real form posted to a server action: it signs in with JavaScript or without. Errors follow the
 * GOV.UK pattern: a summary at the top that takes focus and links to the fields, a message on each
 * field in error, and "Error: " at the start of the page title.
 */
export function LoginForm({ returnTo, title, idleLimits }: { returnTo: string; /** The page's whole title. */ title: string; idleLimits: string }) {
  const [state, formAction, pending] = useActionState(signInAction, INITIAL);
  const problems = state.errors ? errorList(state.errors) : [];
  const fieldError = (field: SignInField) => state.errors?.fieldErrors[field]?.[0];

  // A disabled button would drop focus to the page; aria-disabled keeps it, and a repeat submit is ignored.
  const onSubmit = (event: FormEvent) => {
    if (pending) event.preventDefault();
  };

  return (
    <form className="login-form" action={formAction} onSubmit={onSubmit} noValidate>
      {/* The page's only title (React puts it in the head): GOV.UK starts it with "Error: " while errors show. */}
      <title>{problems.length > 0 ? `Error: ${title}` : title}</title>
      <ErrorSummary problems={problems} attempt={state} testId="error-summary" />
      <input type="hidden" name="returnTo" value={returnTo} />
      <Field
        name="username"
        label="Username"
        error={fieldError('username')}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        defaultValue={state.values.username}
      />
      <Field name="password" label="Password" error={fieldError('password')} type="password" autoComplete="current-password" />
      <div className="field">
        <div className="field--inline">
          <input id="remember" name="remember" type="checkbox" defaultChecked={state.values.remember} aria-describedby="remember-hint" />
          <label htmlFor="remember">Keep me signed in</label>
        </div>
        <p id="remember-hint" className="hint field__hint">
          You stay signed in when you close the browser, but you are still signed out after {idleLimits}.
        </p>
      </div>
      <button type="submit" className="button button--primary" aria-disabled={pending || undefined}>
        Sign in
      </button>
    </form>
  );
}

/** A labelled input with GOV.UK's error message: above the input, bound to it, with a hidden "Error:" for screen readers. */
function Field({ name, label, error, ...input }: { name: SignInField; label: string; error: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  const errorId = `${name}-error`;
  return (
    <div className={error ? 'field field--error' : 'field'}>
      <label htmlFor={name}>{label}</label>
      {error && (
        <p id={errorId} className="field__error">
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <input id={name} name={name} required {...input} aria-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined} />
    </div>
  );
}
