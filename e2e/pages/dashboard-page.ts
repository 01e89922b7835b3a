import { expect, type Locator, type Page } from '@playwright/test';
import { fill, TIMEOUT_WORDS as WORDS } from '../../lib/shared/timeout-words';

/** `text` taken literally in a regular expression. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Any clock time as the words say one: `2:05pm`, `9am`, `midday`, `midnight`. */
const CLOCK_TIME = `(\\d{1,2}(:\\d{2})?(${escapeRegExp(WORDS.clock.am)}|${escapeRegExp(WORDS.clock.pm)})|${escapeRegExp(WORDS.clock.midday)}|${escapeRegExp(WORDS.clock.midnight)})`;

/** What the dialog tells a screen reader of the time left: `{ minutes: 4 }`, `{ seconds: 40 }`, or `'under'` (the last 20 s). */
export function timeLeftSaid(left: { minutes: number } | { seconds: number } | 'under'): string {
  const time =
    left === 'under'
      ? fill(WORDS.underSeconds, { count: 20 })
      : 'minutes' in left
        ? fill(left.minutes === 1 ? WORDS.minutes.one : WORDS.minutes.other, { count: left.minutes })
        : fill(WORDS.seconds, { count: left.seconds });
  return fill(WORDS.timeLeft, { time });
}

/** What the dialog tells a screen reader with `ms` left, a minute or more: the whole minutes, rounded down. */
export const minutesLeftSaid = (ms: number) => timeLeftSaid({ minutes: Math.floor(ms / 60_000) });

/** What the idle warning says under its buttons while it cannot reach the server. */
export const unreachableSaid = fill(WORDS.idle.unreachable, { stay: WORDS.idle.stay });

export { WORDS };

export class DashboardPage {
  readonly heading: Locator;
  readonly notes: Locator;
  readonly signOut: Locator;
  readonly dialog: Locator;
  readonly stay: Locator;
  /** The dialog's first button, whatever it says: `WORDS.idle.stay`, or what it is doing meanwhile. */
  readonly primary: Locator;
  readonly logOutNow: Locator;
  readonly countdown: Locator;
  readonly absoluteEnd: Locator;
  readonly endsDialog: Locator;
  readonly continueWorking: Locator;
  readonly discardDialog: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.notes = page.getByRole('textbox', { name: 'Notes' });
    this.signOut = page.getByRole('button', { name: 'Sign out', exact: true });
    this.dialog = page.getByRole('dialog', { name: WORDS.idle.title, exact: true });
    this.stay = this.dialog.getByRole('button', { name: WORDS.idle.stay, exact: true });
    this.primary = this.dialog.getByRole('button').first();
    this.logOutNow = this.dialog.getByRole('button', { name: WORDS.signOut, exact: true });
    this.countdown = page.getByTestId('timeout-countdown');
    this.absoluteEnd = page.getByTestId('absolute-end');
    this.endsDialog = page.getByRole('dialog', { name: new RegExp(`^${escapeRegExp(WORDS.absolute.title).replace(escapeRegExp('{time}'), CLOCK_TIME)}$`) });
    this.continueWorking = this.endsDialog.getByRole('button', { name: WORDS.absolute.acknowledge, exact: true });
    this.discardDialog = page.getByRole('dialog', { name: 'Discard your unsaved notes?' });
  }

  /** The time left as the open dialog's countdown shows it, in whole seconds. */
  async secondsShown(): Promise<number> {
    const [minutes = 0, seconds = 0] = ((await this.countdown.textContent()) ?? '').split(':').map(Number);
    return minutes * 60 + seconds;
  }

  /** Opens the dashboard and waits for hydration (the local clock time appears), when the timer starts. */
  async open() {
    await this.page.goto('/dashboard');
    await expect(this.heading).toContainText('Welcome');
    await expect(this.absoluteEnd.locator('time')).toHaveAttribute('datetime', /.+/);
  }
}
