import type { Account } from '../../../test-support/demo-accounts';
import { signInRequest } from '../../../test-support/sign-in';
import type { EngineTab } from '../engine';

/** The login page, by its contract names: "Username", "Password", "Sign in". */
export class LoginScreen {
  constructor(readonly tab: EngineTab) {}

  async goto(query = '') {
    await this.tab.goto(`/login${query}`);
  }

  async fill(account: Account) {
    await this.tab.type('Username', account.username);
    await this.tab.type('Password', account.password);
  }

  async signIn(account: Account) {
    await this.fill(account);
    await this.tab.click({ role: 'button', name: 'Sign in' });
  }

  /** Signs in over HTTP from the page, for tests where the form is not what is under test. */
  async signInByRequest(account: Account) {
    await this.goto();
    const { status } = await this.tab.fetchJson('/api/session', signInRequest(account).data);
    if (status !== 200) throw new Error(`sign-in answered ${status}`);
  }
}
