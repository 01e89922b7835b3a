import type { NoSessionReason } from '@/lib/shared/session-status';

/** What the login page says about the limits, worked out from the configuration. */
export interface Limits {
  /** `30 minutes of inactivity (8 hours for administrators)`: the page cannot know whose session ended. */
  idle: string;
  /** `12 hours`. */
  absolute: string;
  /** How many sessions one user may have at once. */
  maxSessions: number;
  /** `OIDC_PROVIDER_NAME`, where one is set. */
  provider?: string;
}

/**
 * What the login page says after a sign-out, per reason: a heading (also the page's title) and one
 * sentence. Every reason but `no-session` needs a row, so a new reason does not compile until it has its words.
 */
export const SIGNED_OUT_WORDS: Record<Exclude<NoSessionReason, 'no-session'>, { heading: string; sentence: (limits: Limits) => string }> = {
  idle: {
    heading: 'You were signed out after inactivity',
    sentence: ({ idle }) => `For your security you were signed out after ${idle}; sign in again to carry on where you left off, with your notes kept.`,
  },
  absolute: {
    heading: 'Your session reached its time limit',
    sentence: ({ absolute }) => `Sessions end at their maximum length of ${absolute}, however active you are; sign in again to carry on, with your notes kept.`,
  },
  'signed-out': {
    heading: 'You have signed out',
    sentence: () => 'Your session has ended on this device; sign in again whenever you are ready.',
  },
  'signed-out-elsewhere': {
    heading: 'You were signed out on another device',
    sentence: () => 'Someone signed in as you signed out of every other device, this one included; sign in again to carry on.',
  },
  'ended-by-admin': {
    heading: 'An administrator ended your session',
    sentence: () => 'An administrator ended this session; sign in again to carry on.',
  },
  replaced: {
    heading: 'You signed in again in this browser',
    sentence: () => 'This session ended because you signed in again in this browser; sign in to carry on.',
  },
  'session-limit': {
    heading: 'You were signed out on this device',
    sentence: ({ maxSessions }) =>
      `Your account was signed in in more than ${maxSessions} places at once, and this was the one used least recently; sign in again to carry on.`,
  },
  'signed-out-at-provider': {
    heading: 'You were signed out at your identity provider',
    sentence: ({ provider }) =>
      `Your sign-in at ${provider ?? 'the identity provider'} ended there (you signed out, or its administrator ended it), so this session ended too; sign in again to carry on.`,
  },
  invalid: {
    heading: 'You were signed out',
    sentence: () => 'Your session could not be read, so you were signed out; sign in again to carry on.',
  },
};
