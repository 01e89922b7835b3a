import { formatDuration } from './duration';
import { END_REASONS } from './session-status';

/**
 * What can happen to a session, as the event log names it. The names are stable: log shippers and the
 * administrator's filter key on them. One kind per way a session starts, ends or proves itself.
 */
export const EVENT_KINDS = [
  'signed-in',
  // Each way a session ends is named as its end reason: the record, the status answer and the event agree.
  ...END_REASONS,
  'sign-in-throttled',
  'reauthenticated',
  'reauthentication-failed',
  'resealed',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * Who did it: the user themselves, an administrator (by name), the server on its own (a deadline, the cap), or the
 * OpenID provider (by `OIDC_PROVIDER_NAME`), whose back-channel logout said its sign-in had ended.
 */
export type EventActor = { by: 'user' } | { by: 'admin'; username: string } | { by: 'system' } | { by: 'provider'; name: string };

/** The few facts an event carries beyond its kind; which ones depends on the kind. */
export interface EventDetails {
  /** The browser of the session the event is about. */
  userAgent?: string;
  /** The client's address (sign-in throttled, re-authentication failed). */
  address?: string;
  /**
   * Why, in one word: `wrong-password`, `throttled` or `another-person` (someone else signed in at the provider) for a
   * failed re-authentication, `user` or `address` for throttling.
   */
  reason?: string;
  /** How long: the inactivity behind an idle end, the age of a session at its absolute end. */
  afterMs?: number;
  /** The OpenID provider a sign-in went through (`OIDC_PROVIDER_NAME`); none for the password form. */
  provider?: string;
}

/** The event as a person reads it, before the device and the time: "Signed out after 30 minutes without activity". */
export function describeEvent(kind: EventKind, details: EventDetails, actor: EventActor): string {
  const after = details.afterMs === undefined ? undefined : formatDuration(details.afterMs);
  switch (kind) {
    case 'signed-in':
      return details.provider ? `Signed in with ${details.provider}` : 'Signed in';
    case 'signed-out':
      return 'Signed out';
    case 'idle':
      return after ? `Signed out after ${after} without activity` : 'Signed out after a time without activity';
    case 'absolute':
      return after ? `Signed out when the session reached its limit of ${after}` : 'Signed out when the session reached its time limit';
    case 'signed-out-elsewhere':
      return 'Signed out from another device';
    case 'ended-by-admin':
      return actor.by === 'admin' ? `Signed out by an administrator (${actor.username})` : 'Signed out by an administrator';
    case 'session-limit':
      return 'Signed out because you were signed in in too many places';
    case 'replaced':
      return 'Signed out because this browser signed in again';
    case 'signed-out-at-provider':
      return actor.by === 'provider' ? `Signed out at ${actor.name}` : 'Signed out at the identity provider';
    case 'sign-in-throttled':
      return details.reason === 'address' ? 'Sign-in refused: too many failed attempts from one address' : 'Sign-in refused: too many failed attempts';
    case 'reauthenticated':
      return details.provider ? `Confirmed it was you with ${details.provider}` : 'Confirmed it was you';
    case 'reauthentication-failed':
      if (details.reason === 'another-person') return `Could not confirm it was you: someone else signed in at ${details.provider ?? 'the provider'}`;
      return details.reason === 'throttled' ? 'Could not confirm it was you: too many attempts' : 'Could not confirm it was you: wrong password';
    case 'resealed':
      return 'Session cookie renewed after a change of the server\u2019s secret';
  }
}
