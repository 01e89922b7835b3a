'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { listenForActivity, listenForWake } from '@/lib/client/activity';
import { leaveForLogin, sendKeepAlive } from '@/lib/client/session-endpoints';
import type { ActiveStatus } from '@/lib/shared/session-status';
import { openTabChannel } from '@/lib/client/tab-channel';
import { TimeoutController } from '@/lib/client/timeout-controller';
import type { TimeoutWords } from '@/lib/shared/timeout-words';
import { SessionTimeoutDialog } from './timeout-dialog';

const ControllerContext = createContext<TimeoutController | null>(null);

/** The protected page's timer. Wraps the page and renders the warning dialog beside it; see `SessionTimeout`. */
export function SessionTimeoutProvider({ status, words, children }: { status: ActiveStatus; words: TimeoutWords; children: ReactNode }) {
  const [controller] = useState(
    () =>
      new TimeoutController(status, {
        now: () => Date.now(),
        setTimer: (callback, ms) => window.setTimeout(callback, ms),
        clearTimer: (handle) => window.clearTimeout(handle as number | undefined),
        keepAlive: sendKeepAlive,
        leave: (reason, { endOnServer }) => void leaveForLogin(reason, { endOnServer, sessionTag: status.sessionTag }),
        reload: () => window.location.reload(),
      }),
  );

  useEffect(() => {
    const channel = openTabChannel(status.sessionTag, controller.receive);
    const stopActivity = listenForActivity(window, controller.noteActivity);
    const stopWake = listenForWake(window, controller.check);
    controller.start(channel.post);
    return () => {
      stopActivity();
      stopWake();
      controller.stop();
      channel.close();
    };
  }, [controller, status.sessionTag]);

  return (
    <ControllerContext value={controller}>
      {children}
      <SessionTimeoutDialog controller={controller} words={words} />
    </ControllerContext>
  );
}

export function useTimeoutController(): TimeoutController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useTimeoutController must be used inside <SessionTimeoutProvider>');
  return controller;
}
