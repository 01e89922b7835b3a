/**
 * DOM wiring for the timeout, kept apart from the controller so that stays testable without a browser; its
 * `listen` is how the timeout's other browser code (the channel, the push, the hidden tab's title) listens too.
 */
import 'client-only';

/**
 * What counts as the user being there. Returning to a tab is deliberately not on the list. `input` and
 * `click` are there for assistive technology: dictation inserts text and switch access clicks without
 * any of the key or pointer events before them.
 */
export const ACTIVITY_EVENTS = ['mousemove', 'mousedown', 'keydown', 'wheel', 'scroll', 'touchstart', 'pointerdown', 'input', 'click'] as const;

/** Passive and capturing: never delays scrolling, and sees scrolls of inner elements too. */
const LISTENER_OPTIONS: AddEventListenerOptions = { passive: true, capture: true };

/** Listens for each of `types` on `target`; the function it returns stops listening. */
export function listen(target: EventTarget, types: readonly string[], handler: (event: Event) => void, options?: AddEventListenerOptions): () => void {
  for (const type of types) target.addEventListener(type, handler, options);
  return () => {
    for (const type of types) target.removeEventListener(type, handler, options);
  };
}

export const listenForActivity = (target: Window, onActivity: () => void) => listen(target, ACTIVITY_EVENTS, onActivity, LISTENER_OPTIONS);

/**
 * Moments when timers may have been throttled or frozen (background tab, sleeping laptop, back/forward
 * cache, lost network): the deadline must be checked again. These are not activity. (`visibilitychange`
 * is fired at the document and bubbles to the window.)
 */
export const listenForWake = (target: Window, onWake: () => void) => listen(target, ['visibilitychange', 'focus', 'pageshow', 'online'], onWake);
