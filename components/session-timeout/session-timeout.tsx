import type { ReactNode } from 'react';
import type { ActiveStatus } from '@/lib/shared/session-status';
import type { TimeoutCopy } from './timeout-dialog';
import { SessionTimeoutProvider } from './provider';

const COPY: TimeoutCopy = {
  idle: 'You have not used this page for a while. Anything you typed is kept, even if you are signed out.',
  absolute: 'Save your work: sessions have a fixed maximum length that activity cannot extend. You will need to sign in again; your notes are kept.',
  failed: 'We could not reach the server to keep you signed in. We will keep trying, or press Stay signed in to try again now.',
};

/**
 * What a protected page wraps itself in: the timer and its warnings. A server component, so the
 * dialog's words arrive with the page instead of in the JavaScript bundle.
 */
export function SessionTimeout({ status, children }: { status: ActiveStatus; children: ReactNode }) {
  return (
    <SessionTimeoutProvider status={status} copy={COPY}>
      {children}
    </SessionTimeoutProvider>
  );
}
