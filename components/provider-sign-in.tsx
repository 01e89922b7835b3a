/**
 * "Sign in with {provider}", above the password form: a GET form to `/api/oidc/login`, so it works without
 * JavaScript, and a real button, whose name other tools rely on. A server component.
 */
export function ProviderSignIn({ providerName, returnTo }: { providerName: string; returnTo: string }) {
  return (
    <form className="provider-sign-in" action="/api/oidc/login" method="get">
      <input type="hidden" name="returnTo" value={returnTo} />
      <button type="submit" className="button button--wide">
        Sign in with {providerName}
      </button>
      <p className="provider-sign-in__or" aria-hidden="true">
        or
      </p>
    </form>
  );
}
