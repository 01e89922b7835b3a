'use client';

/** Shown when a page cannot be rendered, typically because the session service is briefly unavailable. */
export default function ErrorPage() {
  return (
    <main className="page page--narrow">
      <h1>This page could not be loaded</h1>
      <p role="status" data-testid="page-error">
        We could not check your session just now: the session service may be briefly unavailable. You have not been signed out. Please
        try again in a moment.
      </p>
      <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
        Try again
      </button>
    </main>
  );
}
