import { homedir } from 'node:os';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { describeTarget, FETCH_JSON, type FetchedJson, LABELLED_CONTROL, type ByRole, type Engine, type EngineSession, type EngineTab, type SessionOptions } from '../engine';

/**
 * Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (Playwright's BiDi path refuses ESR
 * 153 at `newContext`). Roles and names come from Firefox's own accessibility tree
 * (`browsingContext.locateNodes` with an accessibility locator, puppeteer's `::-p-aria`).
 */
export async function launchFirefoxEsr(executablePath: string, baseURL: string): Promise<Engine> {
  const launch = (prefs: Record<string, boolean>) =>
    // Firefox refuses a profile in a HOME it cannot write; root in a container may have none set.
    puppeteer.launch({ browser: 'firefox', executablePath, headless: true, extraPrefsFirefox: prefs, env: { ...process.env, HOME: process.env.HOME ?? homedir() } });
  const browser = await launch({});
  return {
    baseURL,
    async open({ javaScript = true }: SessionOptions = {}) {
      if (javaScript) {
        const context = await browser.createBrowserContext();
        return firefoxSession(() => context.newPage(), () => context.close(), baseURL, true);
      }
      // Scripts can only be turned off for the whole browser (the `javascript.enabled` pref;
      // BiDi's emulation.setScriptingEnabled is unknown to ESR 153): a browser of its own.
      const withoutScripts: Browser = await launch({ 'javascript.enabled': false });
      return firefoxSession(() => withoutScripts.newPage(), () => withoutScripts.close(), baseURL, false);
    },
    close: () => browser.close(),
  };
}

function firefoxSession(newPage: () => Promise<Page>, close: () => Promise<void>, baseURL: string, javaScript: boolean): EngineSession {
  return {
    async newTab() {
      return firefoxTab(await newPage(), baseURL, javaScript);
    },
    close,
  };
}

const ariaSelector = ({ role, name }: ByRole) => `::-p-aria([name=${JSON.stringify(name)}][role="${role}"])`;

function firefoxTab(page: Page, baseURL: string, javaScript: boolean): EngineTab {
  async function find(target: ByRole): Promise<ElementHandle | null> {
    if (!javaScript) {
      // Firefox answers no accessibility locator while scripts are off (locateNodes never returns).
      throw new Error(`cannot find ${describeTarget(target)} by role with scripts off in Firefox: find it by its label`);
    }
    const root = target.within ? await find(target.within) : page;
    return root ? root.$(ariaSelector(target)) : null;
  }
  async function get(target: ByRole): Promise<ElementHandle> {
    const element = await find(target);
    if (!element) throw new Error(`no ${describeTarget(target)} in ${page.url()}`);
    return element;
  }
  async function field(label: string): Promise<ElementHandle> {
    const element = (await page.evaluateHandle(`(${LABELLED_CONTROL})(${JSON.stringify(label)})`)).asElement();
    if (!element) throw new Error(`no field labelled "${label}" in ${page.url()}`);
    return element as ElementHandle;
  }
  return {
    async goto(path) {
      await page.goto(new URL(path, baseURL).href);
    },
    url: async () => new URL(page.url()),
    async type(label, text) {
      await (await field(label)).type(text);
    },
    value: async (label) => (await field(label)).evaluate((element) => (element as HTMLInputElement).value),
    async click(target) {
      await (await get(target)).click();
    },
    async press(key) {
      await page.keyboard.press(key);
    },
    async isVisible(target) {
      const element = await find(target);
      return element ? element.isVisible() : false;
    },
    async isFocused(target) {
      const element = await find(target);
      return element ? element.evaluate((node) => node === document.activeElement) : false;
    },
    evaluate: (expression) => page.evaluate(expression),
    fetchJson: (path, body) => page.evaluate<[], () => Promise<FetchedJson>>(`(${FETCH_JSON})(${JSON.stringify(path)}, ${JSON.stringify(body)})`),
  };
}
