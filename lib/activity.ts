/**
 * DOM wiring for the timeout, kept apart from the controller so that stays testable without a browser.
 */

/** What counts as the user being there. Returning to a tab is deliberately not on the list. */
export const ACTIVITY_EVENTS = ['mousemove', 'mousedown', 'keydown', 'wheel', 'scroll', 'touchstart', 'pointerdown'] as const;

/** Passive and capturing: never delays scrolling, and sees scrolls of inner elements too. */
const LISTENER_OPTIONS: AddEventListenerOptions = { passive: true, capture: true };

export function listenForActivity(target: Window, onActivity: () => void): () => void {
  for (const type of ACTIVITY_EVENTS) target.addEventListener(type, onActivity, LISTENER_OPTIONS);
  return () => {
    for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, onActivity, LISTENER_OPTIONS);
  };
}

/**
 * Moments when timers may have been throttled or frozen (background tab, sleeping laptop, back/forward
 * cache, lost network): the deadline must be checked again. These are not activity.
 */
export function listenForWake(target: Window, onWake: () => void): () => void {
  const document = target.document;
  document.addEventListener('visibilitychange', onWake);
  for (const type of ['focus', 'pageshow', 'online'] as const) target.addEventListener(type, onWake);
  return () => {
    document.removeEventListener('visibilitychange', onWake);
    for (const type of ['focus', 'pageshow', 'online'] as const) target.removeEventListener(type, onWake);
  };
}
