/**
 * Every word the session timeout says, in one object: the warnings' titles and descriptions, each state of their
 * buttons, the sentence a screen reader hears, and the names of the clock. The server passes it to the dialog as a
 * prop, so the words arrive with the page rather than in the JavaScript bundle; a page that wants other words, or
 * another language, passes another object. `{name}` marks where a value goes (`fill`).
 */
export interface TimeoutWords {
  idle: {
    title: string;
    description: string;
    stay: string;
    /** The primary button while a keep-alive is on its way. */
    staying: string;
    /** ... and while it is being retried after a failure. */
    retrying: string;
    /** Under the buttons when the server could not be reached; `{stay}` is the button's name. */
    unreachable: string;
  };
  absolute: {
    /** `{time}`: the clock time the session ends. */
    title: string;
    description: string;
    acknowledge: string;
  };
  signOut: string;
  /** What a screen reader is told of the time left; `{time}` is one of the phrases below. */
  timeLeft: string;
  minutes: { one: string; other: string };
  seconds: string;
  underSeconds: string;
  clock: ClockWords;
}

/** How a clock time is said: `2:05pm`, `9am`, `midday`, `midnight`. */
export interface ClockWords {
  am: string;
  pm: string;
  midday: string;
  midnight: string;
}

export const TIMEOUT_WORDS: TimeoutWords = {
  idle: {
    title: 'You will be logged out soon',
    description: 'You have not used this page for a while. Anything you typed is kept, even if you are signed out.',
    stay: 'Stay signed in',
    staying: 'Staying signed in…',
    retrying: 'Trying again…',
    unreachable: 'We could not reach the server to keep you signed in. We will keep trying, or press {stay} to try again now.',
  },
  absolute: {
    title: 'Your session ends at {time}',
    description: 'Save your work: sessions have a fixed maximum length that activity cannot extend. You will need to sign in again; your notes are kept.',
    acknowledge: 'Continue working',
  },
  signOut: 'Log out now',
  timeLeft: 'We will sign you out in {time}.',
  minutes: { one: '{count} minute', other: '{count} minutes' },
  seconds: '{count} seconds',
  underSeconds: 'less than {count} seconds',
  clock: { am: 'am', pm: 'pm', midday: 'midday', midnight: 'midnight' },
};

/** `template` with each `{name}` replaced by `values[name]`; a name without a value stays as it is. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
