import { TIMEOUT_WORDS as WORDS } from '../../../lib/shared/timeout-words';
import type { ByRole, EngineTab } from '../engine';

export interface Status {
  authenticated: boolean;
  reason?: string;
  idleExpiresInMs: number;
  warningBeforeMs: number;
}

const WARNING: ByRole = { role: 'dialog', name: WORDS.idle.title };

/** The dashboard and its warning, by their contract names. */
export class DashboardScreen {
  readonly warning = WARNING;
  readonly stay: ByRole = { role: 'button', name: WORDS.idle.stay, within: WARNING };

  constructor(readonly tab: EngineTab) {}

  async open() {
    await this.tab.goto('/dashboard');
  }

  warningOpen = () => this.tab.isVisible(this.warning);
  staySignedIn = () => this.tab.click(this.stay);
  stayFocused = () => this.tab.isFocused(this.stay);
  typeNotes = (text: string) => this.tab.type('Notes', text);
  notes = () => this.tab.value('Notes');
  /**
   * From now on the page notes when a `<dialog>` opens, on its own clock, which is this machine's (no
   * fake clock here): a time taken there owes nothing to the driver's round trips on a busy machine.
   */
  async recordDialogOpenings() {
    await this.tab.evaluate(
      `(() => { const times = (window.__dialogOpenedAt = []); new MutationObserver((records) => { for (const { target } of records) if (target.open) times.push(Date.now()); }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['open'] }); return true; })()`,
    );
  }

  /** When the page last saw a dialog open, since `recordDialogOpenings`. */
  async dialogOpenedAt(): Promise<number> {
    const times = (await this.tab.evaluate('window.__dialogOpenedAt')) as number[];
    const last = times.at(-1);
    if (last === undefined) throw new Error('no dialog opened since the page started recording');
    return last;
  }

  /** Whether this profile's tabs hold their session's end stream: its holder takes a Web Lock first, then streams. */
  streaming = async () => (await this.tab.evaluate(`navigator.locks.query().then(({ held }) => held.some(({ name }) => name.startsWith('session-push:')))`)) === true;

  /** When this document's navigation started: after a sign-out, when the page decided to leave. */
  navigationStartedAt = async () => (await this.tab.evaluate('performance.timeOrigin')) as number;

  async path() {
    const url = await this.tab.url();
    return `${url.pathname}${url.search}`;
  }

  /**
   * The server's idle deadline and warning point, each as the earliest and latest time it can be: the
   * server answers durations from some instant between the page sending the request and receiving
   * the answer (the page's clock, this machine's).
   */
  async deadlines() {
    const { status, body, sentAt, receivedAt } = await this.tab.fetchJson('/api/session');
    if (status !== 200) throw new Error(`status answered ${status}: ${JSON.stringify(body)}`);
    const { idleExpiresInMs, warningBeforeMs } = body as Status;
    const between = (offset: number) => ({ earliest: sentAt + offset, latest: receivedAt + offset });
    return { idleAt: between(idleExpiresInMs), warningAt: between(idleExpiresInMs - warningBeforeMs) };
  }
}

