import type { ReactNode } from 'react';
import type { ActiveStatus } from '@/lib/shared/session-status';
import { TIMEOUT_WORDS, type TimeoutWords } from '@/lib/shared/timeout-words';
import { SessionTimeoutProvider } from './provider';

/**
 * What a protected page wraps itself in: the timer and its warnings. A server component, so the
 * dialog's words arrive with the page instead of in the JavaScript bundle; `words` for other ones.
 */
export function SessionTimeout({
  status,
  words = TIMEOUT_WORDS,
  hearsEnds,
  children,
}: {
  status: ActiveStatus;
  words?: TimeoutWords;
  /** Whether the server can end the session from elsewhere, and tell the page at once (not with SESSION_STORE=cookie). */
  hearsEnds: boolean;
  children: ReactNode;
}) {
  return (
    <SessionTimeoutProvider status={status} words={words} hearsEnds={hearsEnds}>
      {children}
    </SessionTimeoutProvider>
  );
}
