'use client';

import { useActionState } from 'react';
import { signInAction, type SignInState } from '@/lib/session-actions';

const INITIAL: SignInState = { error: null, username: '' };

/** A real form posted to a server action: it signs in with JavaScript or without. */
export function LoginForm({ returnTo }: { returnTo: string }) {
  const [state, formAction, pending] = useActionState(signInAction, INITIAL);

  return (
    <form className="login-form" action={formAction} noValidate aria-describedby={state.error ? 'login-error' : undefined}>
      <input type="hidden" name="returnTo" value={returnTo} />
      <div className="field">
        <label htmlFor="username">Username</label>
        <input id="username" name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} defaultValue={state.username} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <div className="field field--inline">
        <input id="remember" name="remember" type="checkbox" />
        <label htmlFor="remember">Keep me signed in</label>
      </div>
      <p id="login-error" className="form-error" role="alert" data-testid="login-error">
        {state.error ?? ''}
      </p>
      <button type="submit" className="button button--primary" disabled={pending}>
        Sign in
      </button>
    </form>
  );
}
