'use client';

import { useSyncExternalStore } from 'react';
import { INITIAL_SNAPSHOT, type TimeoutController, type TimeoutSnapshot } from '@/lib/client/timeout-controller';

/**
 * The controller's state for React. Activity never changes the snapshot, so a mousemove renders
 * nothing; only a phase change or, while the warning is open, the countdown's second does.
 */
export function useSessionTimeout(controller: TimeoutController): TimeoutSnapshot {
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot, () => INITIAL_SNAPSHOT);
}
