/**
 * What the engine suites ask of a browser, whatever drives it: Playwright, puppeteer-core over WebDriver
 * BiDi (Debian's Firefox ESR) or selenium-webdriver over WebKitWebDriver (Debian's WebKitGTK). Controls
 * are found the way a person and a screen reader find them: by role and accessible name, as the
 * engine's own accessibility tree computes them, or by the text of their label.
 */

export type Role = 'button' | 'dialog';

export interface ByRole {
  role: Role;
  /** The exact accessible name. */
  name: string;
  /** Look only inside this element (e.g. a button of the dialog). */
  within?: ByRole;
}

export interface EngineTab {
  goto(path: string): Promise<void>;
  url(): Promise<URL>;
  /** Types into the field labelled `label`, key by key, as a person would (each key counts as activity). */
  type(label: string, text: string): Promise<void>;
  value(label: string): Promise<string>;
  click(target: ByRole): Promise<void>;
  /** A key pressed wherever the focus is. */
  press(key: 'Escape' | 'Enter'): Promise<void>;
  isVisible(target: ByRole): Promise<boolean>;
  isFocused(target: ByRole): Promise<boolean>;
  /** The value of a JavaScript expression in the page (WebDriver's scripts run even where the page's may not). */
  evaluate(expression: string): Promise<unknown>;
  /**
   * A same-origin request sent by the page itself, with its cookies: GET, or POST of `body` as JSON.
   * `sentAt` and `receivedAt` are the page's `Date.now()`, free of the driver's round trips.
   */
  fetchJson(path: string, body?: unknown): Promise<FetchedJson>;
}

/** One browser profile: its tabs share cookies, storage and BroadcastChannel, as a person's tabs do. */
export interface EngineSession {
  newTab(): Promise<EngineTab>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** False: the engine runs no script of the page's (the no-JavaScript sign-in). */
  javaScript?: boolean;
}

export interface Engine {
  /** Where this engine reaches the app: WebKit only over https (see tls-front.ts). */
  baseURL: string;
  open(options?: SessionOptions): Promise<EngineSession>;
  close(): Promise<void>;
}

export const describeTarget = ({ role, name, within }: ByRole): string => `${role} "${name}"${within ? ` in ${describeTarget(within)}` : ''}`;

export interface FetchedJson {
  status: number;
  body: unknown;
  sentAt: number;
  receivedAt: number;
}

/** The request `fetchJson` makes, as a function source that runs inside the page in every engine. */
export const FETCH_JSON = `async (path, body) => {
  const sentAt = Date.now();
  const response = await fetch(path, body == null ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  return { status: response.status, body: json, sentAt, receivedAt: Date.now() };
}`;

/** Finds a `<label>` by its exact text and returns its control: runs inside the page, in every engine. */
export const LABELLED_CONTROL = `(text) => [...document.querySelectorAll('label')].find((label) => label.textContent.trim() === text)?.control ?? null`;
