'use client';

import { useEffect, useRef, type MouseEvent } from 'react';

/** One problem of a form: the message, and the id of the field it is about. */
export interface Problem {
  field: string;
  message: string;
}

/**
 * GOV.UK's error summary: "There is a problem" and a link to each field in error, announced as an alert.
 * It takes focus when it first shows (in server-rendered HTML too, through autoFocus, so without JavaScript)
 * and again at every new `attempt`, so a second failure is read out as the first was.
 */
export function ErrorSummary({ problems, attempt, testId }: { problems: Problem[]; attempt: unknown; testId: string }) {
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    summaryRef.current?.focus();
  }, [attempt]);
  if (problems.length === 0) return null;
  return (
    <div ref={summaryRef} className="error-summary" tabIndex={-1} autoFocus data-testid={testId}>
      <div role="alert">
        <h2 className="error-summary__title">There is a problem</h2>
        <ul className="error-summary__list">
          {problems.map(({ field, message }) => (
            <li key={`${field}:${message}`}>
              <a href={`#${field}`} onClick={focusField}>
                {message}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** As GOV.UK's summary does: bring the field's label into view, then focus the field, so both are read out. */
function focusField(event: MouseEvent<HTMLAnchorElement>) {
  const id = event.currentTarget.hash.slice(1);
  const field = document.getElementById(id);
  const label = document.querySelector(`label[for="${id}"]`);
  if (!field || !label) return;
  event.preventDefault();
  label.scrollIntoView();
  field.focus({ preventScroll: true });
}
