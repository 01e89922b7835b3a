import type { EngineTab } from '../engine';

/** The login page, by its contract names: "Username", "Password", "Sign in". */
export class LoginScreen {
  constructor(readonly tab: EngineTab) {}

  async goto(query = '') {
    await this.tab.goto(`/login${query}`);
  }

  async fill(account: { username: string; password: string }) {
    await this.tab.type('Username', account.username);
    await this.tab.type('Password', account.password);
  }

  async signIn(account: { username: string; password: string }) {
    await this.fill(account);
    await this.tab.click({ role: 'button', name: 'Sign in' });
  }

  /** Signs in over HTTP from the page, for tests where the form is not what is under test. */
  async signInByRequest(account: { username: string; password: string }) {
    await this.goto();
    const { status } = await this.tab.fetchJson('/api/session', account);
    if (status !== 200) throw new Error(`sign-in answered ${status}`);
  }
}
