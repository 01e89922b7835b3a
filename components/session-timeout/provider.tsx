'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { listenForActivity, listenForWake } from '@/lib/client/activity';
import { fetchStatus, leaveForLogin, sendKeepAlive } from '@/lib/client/session-endpoints';
import { listenForSessionEnd } from '@/lib/client/session-push';
import type { ActiveStatus, NoSessionReason } from '@/lib/shared/session-status';
import { openTabChannel } from '@/lib/client/tab-channel';
import { createTimeoutController, type TimeoutController } from '@/lib/client/timeout-controller';
import type { TimeoutWords } from '@/lib/shared/timeout-words';
import { SessionTimeoutDialog } from './timeout-dialog';

const ControllerContext = createContext<TimeoutController | null>(null);

/**
 * The protected page's timer. Wraps the page and renders the warning dialog beside it; see `SessionTimeout`.
 * `hearsEnds`: the server can end this session from elsewhere, and says so at once (not with `SESSION_STORE=cookie`).
 */
export function SessionTimeoutProvider({ status, words, hearsEnds, children }: { status: ActiveStatus; words: TimeoutWords; hearsEnds: boolean; children: ReactNode }) {
  const [controller] = useState(
    () =>
      createTimeoutController(status, {
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
    // An end the server tells this tab: every tab of the session hears it (the channel skips its sender).
    const ended = (reason: NoSessionReason) => {
      const message = { type: 'ended', from: 'server', reason } as const;
      channel.post(message);
      controller.receive(message);
    };
    const stopPush = hearsEnds
      ? listenForSessionEnd(status.sessionTag, {
          heard: (tag, reason) => {
            // Another session, or this one replaced (this browser signed in again): the page reloads into the newer one.
            if (tag !== status.sessionTag || reason === 'replaced') window.location.reload();
            else if (reason) ended(reason);
          },
          check: () =>
            void fetchStatus().then((now) => {
              if (now.ok && now.value.sessionTag !== status.sessionTag) window.location.reload();
              else if (!now.ok && now.reason !== 'unreachable') ended(now.reason);
            }),
        })
      : undefined;
    return () => {
      stopPush?.();
      stopActivity();
      stopWake();
      controller.stop();
      channel.close();
    };
  }, [controller, status.sessionTag, hearsEnds]);

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
