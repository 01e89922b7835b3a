import { expect, type Locator, type Page } from '@playwright/test';

export class DashboardPage {
  readonly heading: Locator;
  readonly notes: Locator;
  readonly signOut: Locator;
  readonly dialog: Locator;
  readonly stay: Locator;
  /** The dialog's first button, whatever it says: "Stay signed in", or what it is doing meanwhile. */
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
    this.dialog = page.getByRole('dialog', { name: /logged out soon/ });
    this.stay = this.dialog.getByRole('button', { name: 'Stay signed in' });
    this.primary = this.dialog.getByRole('button').first();
    this.logOutNow = this.dialog.getByRole('button', { name: 'Log out now' });
    this.countdown = page.getByTestId('timeout-countdown');
    this.absoluteEnd = page.getByTestId('absolute-end');
    this.endsDialog = page.getByRole('dialog', { name: /^Your session ends at (\d{1,2}(:\d{2})?[ap]m|midday|midnight)$/ });
    this.continueWorking = this.endsDialog.getByRole('button', { name: 'Continue working' });
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
