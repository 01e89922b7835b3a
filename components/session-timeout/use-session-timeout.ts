'use client';

import { useSyncExternalStore } from 'react';
import type { TimeoutController, TimeoutSnapshot } from '@/lib/client/timeout-controller';

const SERVER_SNAPSHOT: TimeoutSnapshot = { phase: 'active', secondsLeft: 0, endsAt: 0, extending: false, keepAliveFailed: false };

/**
 * The controller's state for React. Activity never changes the snapshot, so a mousemove renders
 * nothing; only a phase change or, while the warning is open, the countdown's second does.
 */
export function useSessionTimeout(controller: TimeoutController): TimeoutSnapshot {
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot, () => SERVER_SNAPSHOT);
}
