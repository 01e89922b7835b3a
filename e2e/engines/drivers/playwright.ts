import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { FETCH_JSON, type ByRole, type Engine, type EngineTab, type SessionOptions } from '../engine';

/**
 * Playwright's own browsers, where they are downloaded (a developer's laptop): the same behaviours as
 * the Debian engines, through the same page objects. WebKit goes through the https front too (see
 * tls-front.ts): Playwright's WebKit keeps no Secure cookie from http either.
 */
export function playwrightEngine(browser: Browser, baseURL: string, ignoreHTTPSErrors: boolean): Engine {
  return {
    baseURL,
    async open({ javaScript = true }: SessionOptions = {}) {
      const context: BrowserContext = await browser.newContext({ baseURL, javaScriptEnabled: javaScript, ignoreHTTPSErrors });
      return {
        newTab: async () => playwrightTab(await context.newPage()),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

function locate(page: Page, { role, name, within }: ByRole): Locator {
  return (within ? locate(page, within) : page).getByRole(role, { name, exact: true });
}

function playwrightTab(page: Page): EngineTab {
  const field = (label: string) => page.getByLabel(label, { exact: true });
  return {
    async goto(path) {
      await page.goto(path);
    },
    url: async () => new URL(page.url()),
    type: (label, text) => field(label).pressSequentially(text),
    value: (label) => field(label).inputValue(),
    click: (target) => locate(page, target).click(),
    press: (key) => page.keyboard.press(key),
    isVisible: (target) => locate(page, target).isVisible(),
    async isFocused(target) {
      const element = locate(page, target);
      return (await element.count()) > 0 && (await element.evaluate((node) => node === document.activeElement));
    },
    evaluate: (expression) => page.evaluate(expression),
    fetchJson: (path, body) => page.evaluate(`(${FETCH_JSON})(${JSON.stringify(path)}, ${JSON.stringify(body ?? null)})`),
  };
}
