import type { ReactNode } from 'react';
import type { ActiveStatus } from '@/lib/shared/session-status';
import { TIMEOUT_WORDS, type TimeoutWords } from '@/lib/shared/timeout-words';
import { SessionTimeoutProvider } from './provider';

/**
 * What a protected page wraps itself in: the timer and its warnings. A server component, so the
 * dialog's words arrive with the page instead of in the JavaScript bundle; `words` for other ones.
 */
export function SessionTimeout({ status, words = TIMEOUT_WORDS, children }: { status: ActiveStatus; words?: TimeoutWords; children: ReactNode }) {
  return (
    <SessionTimeoutProvider status={status} words={words}>
      {children}
    </SessionTimeoutProvider>
  );
}
