import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { INITIAL_SNAPSHOT, type TimeoutController, type TimeoutSnapshot } from '@/lib/client/timeout-controller';
import { formatClockTime } from '@/lib/shared/clock-time';
import { formatCountdown } from '@/lib/shared/duration';
import { fill, TIMEOUT_WORDS, type TimeoutWords } from '@/lib/shared/timeout-words';
import { SessionTimeout } from './session-timeout';
import { SessionTimeoutDialog } from './timeout-dialog';

// Rendered on the server, useSyncExternalStore reads the server snapshot (no warning open) and never the
// controller's. The hook is a plain read of the controller's snapshot here, so each phase renders as a browser
// renders it; everything else is the dialog's own code.
vi.mock('./use-session-timeout', () => ({
  useSessionTimeout: (controller: TimeoutController) => controller.getSnapshot(),
}));

/** Every word different from the default's, `{names}` kept: any English left in the markup came from elsewhere. */
const OTHER: TimeoutWords = {
  idle: {
    title: 'X-YOUR TIME IS NEARLY UP',
    description: 'X-NOTHING HAS HAPPENED HERE FOR A WHILE.',
    stay: 'X-KEEP ME IN',
    staying: 'X-KEEPING YOU IN',
    retrying: 'X-ONE MORE TRY',
    unreachable: 'X-THE SERVER IS SILENT; PRESS {stay} AGAIN.',
  },
  absolute: {
    title: 'X-EVERYTHING STOPS AT {time}',
    description: 'X-THIS IS AS LONG AS A SESSION LASTS.',
    acknowledge: 'X-UNDERSTOOD',
  },
  signOut: 'X-LEAVE NOW',
  timeLeft: 'X-{time} REMAIN.',
  minutes: { one: '{count} X-MINUTE', other: '{count} X-MINUTES' },
  seconds: '{count} X-SECONDS',
  underSeconds: 'X-UNDER {count} X-SECONDS',
  clock: { am: 'X-AM', pm: 'X-PM', midday: 'X-NOON', midnight: 'X-MIDDLE OF THE NIGHT' },
};

/** A controller that shows `snapshot`: the dialog reads its snapshot and calls its three answers, no more. */
function controllerShowing(snapshot: Partial<TimeoutSnapshot>): TimeoutController {
  const shown: TimeoutSnapshot = { ...INITIAL_SNAPSHOT, ...snapshot };
  const fake: Pick<TimeoutController, 'subscribe' | 'getSnapshot' | 'staySignedIn' | 'continueWorking' | 'signOut'> = {
    subscribe: () => () => {},
    getSnapshot: () => shown,
    staySignedIn: () => {},
    continueWorking: () => {},
    signOut: () => {},
  };
  return fake as TimeoutController;
}

/** The texts of the markup, in order, as a reader meets them: what is between the tags, entities decoded. */
function textsOf(markup: string): string[] {
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'" };
  return markup
    .split(/<[^>]*>/)
    .filter((text) => text !== '')
    .map((text) => text.replace(/&(amp|lt|gt|quot|#x27);/g, (entity) => entities[entity] ?? entity));
}

const render = (snapshot: Partial<TimeoutSnapshot>, words: TimeoutWords = OTHER) =>
  textsOf(renderToStaticMarkup(<SessionTimeoutDialog controller={controllerShowing(snapshot)} words={words} />));

/** A moment today at `hours:minutes`, this machine's time, as the dialog's clock shows it. */
const today = (hours: number, minutes: number) => new Date(2030, 0, 15, hours, minutes).getTime();

const { idle, absolute } = OTHER;
const said = (phrase: string, count: number) => fill(OTHER.timeLeft, { time: fill(phrase, { count }) });

interface State {
  name: string;
  snapshot: Partial<TimeoutSnapshot>;
  /** Every text of the dialog in this state, in order. */
  says: string[];
}

/** Each state of the dialog, and what it must say in it: nothing but `OTHER`'s words, the countdown and the clock. */
const STATES: State[] = [
  { name: 'closed', snapshot: {}, says: [idle.title, idle.description, formatCountdown(0), idle.stay, OTHER.signOut] },
  {
    name: 'idle warning, minutes left',
    snapshot: { phase: 'warning', secondsLeft: 299 },
    says: [idle.title, said(OTHER.minutes.other, 4), idle.description, formatCountdown(299_000), idle.stay, OTHER.signOut],
  },
  {
    name: 'idle warning, one minute left',
    snapshot: { phase: 'warning', secondsLeft: 61 },
    says: [idle.title, said(OTHER.minutes.one, 1), idle.description, formatCountdown(61_000), idle.stay, OTHER.signOut],
  },
  {
    name: 'idle warning, seconds left',
    snapshot: { phase: 'warning', secondsLeft: 45 },
    says: [idle.title, said(OTHER.seconds, 40), idle.description, formatCountdown(45_000), idle.stay, OTHER.signOut],
  },
  {
    name: 'idle warning, the last seconds',
    snapshot: { phase: 'warning', secondsLeft: 10 },
    says: [idle.title, said(OTHER.underSeconds, 20), idle.description, formatCountdown(10_000), idle.stay, OTHER.signOut],
  },
  {
    name: 'idle warning, a keep-alive on its way',
    snapshot: { phase: 'warning', secondsLeft: 200, extending: true },
    says: [idle.title, said(OTHER.minutes.other, 3), idle.description, formatCountdown(200_000), idle.staying, OTHER.signOut],
  },
  {
    name: 'idle warning, the keep-alive failed',
    snapshot: { phase: 'warning', secondsLeft: 200, keepAliveFailed: true },
    says: [idle.title, said(OTHER.minutes.other, 3), idle.description, formatCountdown(200_000), fill(idle.unreachable, { stay: idle.stay }), idle.stay, OTHER.signOut],
  },
  {
    name: 'idle warning, the keep-alive failed and retried',
    snapshot: { phase: 'warning', secondsLeft: 200, extending: true, keepAliveFailed: true },
    says: [idle.title, said(OTHER.minutes.other, 3), idle.description, formatCountdown(200_000), fill(idle.unreachable, { stay: idle.stay }), idle.retrying, OTHER.signOut],
  },
  ...[today(14, 5), today(9, 0), today(12, 0), today(0, 0)].map((warningEndsAt): State => {
    const time = formatClockTime(warningEndsAt, OTHER.clock);
    return {
      name: `absolute warning, ending at ${time}`,
      snapshot: { phase: 'absolute-warning', secondsLeft: 299, warningEndsAt },
      says: [fill(absolute.title, { time }), said(OTHER.minutes.other, 4), absolute.description, formatCountdown(299_000), absolute.acknowledge, OTHER.signOut],
    };
  }),
];

/** The pieces of each of `words`' strings around their `{names}`, those with a letter in them. */
function piecesOf(words: object): string[] {
  return Object.values(words).flatMap((value: unknown) =>
    typeof value === 'string'
      ? value
          .split(/\{\w+\}/)
          .map((piece) => piece.trim())
          .filter((piece) => /\p{L}/u.test(piece))
      : typeof value === 'object' && value !== null
        ? piecesOf(value)
        : [],
  );
}

describe('SessionTimeoutDialog', () => {
  it.each(STATES)('says only the words it is given: $name', ({ snapshot, says }) => {
    expect(render(snapshot)).toEqual(says);
  });

  it('says every one of the words it is given somewhere, and none of the default ones anywhere', () => {
    const everything = STATES.flatMap(({ snapshot }) => render(snapshot)).join('\n');
    for (const piece of piecesOf(OTHER)) expect(everything, 'a word given').toContain(piece);
    for (const piece of piecesOf(TIMEOUT_WORDS)) expect(everything, 'a default word').not.toContain(piece);
  });

  it('with the default words, says them: the same dialog, in English', () => {
    expect(render({ phase: 'warning', secondsLeft: 299 }, TIMEOUT_WORDS)).toEqual([
      TIMEOUT_WORDS.idle.title,
      fill(TIMEOUT_WORDS.timeLeft, { time: fill(TIMEOUT_WORDS.minutes.other, { count: 4 }) }),
      TIMEOUT_WORDS.idle.description,
      formatCountdown(299_000),
      TIMEOUT_WORDS.idle.stay,
      TIMEOUT_WORDS.signOut,
    ]);
  });
});

describe('SessionTimeout', () => {
  it('hands the words it is given down to the dialog', () => {
    const status = {
      authenticated: true,
      user: { username: 'demo', role: 'user' },
      idleExpiresInMs: 1_800_000,
      absoluteExpiresInMs: 43_200_000,
      warningBeforeMs: 300_000,
      idleTimeoutMs: 1_800_000,
      sessionTag: 'AnySessionTag000',
    } as const;
    const markup = renderToStaticMarkup(
      <SessionTimeout status={status} words={OTHER} hearsEnds={false}>
        <p>The page</p>
      </SessionTimeout>,
    );
    expect(textsOf(markup)).toEqual(['The page', idle.title, idle.description, formatCountdown(0), idle.stay, OTHER.signOut]);
  });
});
