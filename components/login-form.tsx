'use client';

import { useState, type FormEvent } from 'react';

type FormState = { kind: 'idle' } | { kind: 'submitting' } | { kind: 'error'; message: string };

export function LoginForm({ returnTo }: { returnTo: string }) {
  const [state, setState] = useState<FormState>({ kind: 'idle' });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setState({ kind: 'submitting' });
    try {
      const response = await fetch('/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          username: form.get('username'),
          password: form.get('password'),
          remember: form.get('remember') === 'on',
        }),
      });
      if (response.ok) {
        window.location.assign(returnTo);
        return;
      }
      const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
      const message = response.status === 401 ? 'Wrong username or password.' : typeof body?.error === 'string' ? body.error : 'Sign-in failed. Please try again.';
      setState({ kind: 'error', message });
    } catch {
      setState({ kind: 'error', message: 'Could not reach the server. Check your connection and try again.' });
    }
  }

  return (
    <form className="login-form" onSubmit={onSubmit} noValidate aria-describedby={state.kind === 'error' ? 'login-error' : undefined}>
      <div className="field">
        <label htmlFor="username">Username</label>
        <input id="username" name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} />
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
        {state.kind === 'error' ? state.message : ''}
      </p>
      <button type="submit" className="button button--primary" disabled={state.kind === 'submitting'}>
        Sign in
      </button>
    </form>
  );
}
