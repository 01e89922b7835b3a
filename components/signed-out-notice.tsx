'use client';

import { useEffect, useRef } from 'react';

/**
 * Why the user was signed out (or why a sign-in through the OpenID provider did not happen), at the top of the login page (GOV.UK's notification banner: a region
 * led by its heading). It takes focus on load so a screen reader says it first, unless something else
 * already holds focus (an error summary rendered on the server); without JavaScript it is simply first.
 */
export function SignedOutNotice({ reason, heading, sentence, testId = 'signed-out-reason' }: { reason: string; heading: string; sentence: string; testId?: string }) {
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    if (document.activeElement === null || document.activeElement === document.body) ref.current?.focus();
  }, []);

  return (
    <section ref={ref} className={`notice notice--${reason}`} tabIndex={-1} aria-labelledby="signed-out-heading" data-testid={testId}>
      <h2 id="signed-out-heading" className="notice__heading">
        {heading}
      </h2>
      <p>{sentence}</p>
    </section>
  );
}
