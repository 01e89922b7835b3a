import type { Locator, Page } from '@playwright/test';
import { formatDuration } from '../../lib/shared/duration';
import { MAIN_LIFETIMES } from '../../test-support/servers';

/** How the login page names the idle lifetimes of `main`, whose users and administrators have lifetimes of their own. */
export const IDLE_LIMITS_SAID = `${formatDuration(MAIN_LIFETIMES.idleMs)} of inactivity (${formatDuration(MAIN_LIFETIMES.idleAdminMs)} for administrators)`;

export class LoginPage {
  readonly username: Locator;
  readonly password: Locator;
  readonly remember: Locator;
  readonly submit: Locator;
  readonly errorSummary: Locator;
  readonly reason: Locator;

  constructor(readonly page: Page) {
    this.username = page.getByLabel('Username');
    this.password = page.getByLabel('Password');
    this.remember = page.getByLabel('Keep me signed in');
    this.submit = page.getByRole('button', { name: 'Sign in' });
    this.errorSummary = page.getByTestId('error-summary');
    this.reason = page.getByTestId('signed-out-reason');
  }

  async goto(query = '') {
    await this.page.goto(`/login${query}`);
  }

  async signIn(username: string, password: string, { remember = false } = {}) {
    await this.username.fill(username);
    await this.password.fill(password);
    if (remember) await this.remember.check();
    await this.submit.click();
  }
}
