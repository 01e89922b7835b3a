import type { PendingAction } from '@/lib/shared/reauth-state';
import { CONFIRM_TITLE } from '@/lib/shared/reauth-state';

/**
 * "Confirm it's you" for a person who signed in through the OpenID provider: this app has no password of theirs,
 * so the button sends them to the provider, which asks for it (`max_age=0`), and brings them back to do what was
 * waiting (`/api/oidc/login?purpose=confirm`). A GET form, so it works without JavaScript. A server component.
 */
export function ProviderConfirm({ providerName, returnTo, pending, purpose }: { providerName: string; returnTo: string; pending?: PendingAction; purpose?: string }) {
  return (
    <form className="confirm-form" action="/api/oidc/login" method="get" aria-labelledby="confirm-title" aria-describedby="confirm-hint">
      <h1 id="confirm-title">{CONFIRM_TITLE}</h1>
      <p id="confirm-hint">
        To {purpose ?? 'go on'}, sign in again at {providerName}: it asks for your password, then brings you back here. This keeps your sessions
        safe if someone else is at your device.
      </p>
      <input type="hidden" name="purpose" value="confirm" />
      <input type="hidden" name="returnTo" value={returnTo} />
      {pending && <input type="hidden" name="then" value={pending.then} />}
      {pending?.then === 'end-session' && <input type="hidden" name="sessionId" value={pending.sessionId} />}
      <div className="dialog__actions">
        <button type="submit" className="button button--primary">
          Continue with {providerName}
        </button>
        <a className="button" href={returnTo}>
          Cancel
        </a>
      </div>
    </form>
  );
}
