import type { ByRole, EngineTab } from '../engine';

export interface Status {
  authenticated: boolean;
  reason?: string;
  idleExpiresInMs: number;
  warningBeforeMs: number;
}

const WARNING: ByRole = { role: 'dialog', name: 'You will be logged out soon' };

/** The dashboard and its warning, by their contract names. */
export class DashboardScreen {
  readonly warning = WARNING;
  readonly stay: ByRole = { role: 'button', name: 'Stay signed in', within: WARNING };

  constructor(readonly tab: EngineTab) {}

  async open() {
    await this.tab.goto('/dashboard');
  }

  warningOpen = () => this.tab.isVisible(this.warning);
  staySignedIn = () => this.tab.click(this.stay);
  stayFocused = () => this.tab.isFocused(this.stay);
  typeNotes = (text: string) => this.tab.type('Notes', text);
  notes = () => this.tab.value('Notes');
  async path() {
    const url = await this.tab.url();
    return `${url.pathname}${url.search}`;
  }

  /**
   * The server's idle deadline and warning point, as times of this process's clock: the server
   * answers durations, counted from the middle of the request.
   */
  async deadlines(): Promise<{ idleAt: number; warningAt: number }> {
    const sent = Date.now();
    const { status, body } = await this.tab.fetchJson('/api/session');
    const at = (sent + Date.now()) / 2;
    const session = body as Status;
    if (status !== 200) throw new Error(`status answered ${status}: ${JSON.stringify(body)}`);
    return { idleAt: at + session.idleExpiresInMs, warningAt: at + session.idleExpiresInMs - session.warningBeforeMs };
  }
}
