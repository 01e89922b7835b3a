import { createServer, type AddressInfo } from 'node:net';
import { Builder, By, Capabilities, Key, WebElement, type WebDriver } from 'selenium-webdriver';
import { startChild } from '../child-process';
import { describeTarget, FETCH_JSON, type FetchedJson, LABELLED_CONTROL, type ByRole, type Engine, type EngineSession, type EngineTab, type SessionOptions } from '../engine';
import { startTlsFront } from '../tls-front';
import { startXvfb } from '../xvfb';
import { waitForPort } from '../../../test-support/ports';

export interface WebKitGtkPaths {
  driver: string;
  miniBrowser: string;
  xvfb: string;
  openssl: string;
}

/** Elements that may carry each role; the engine's computed role and name then decide (WebDriver's computedrole/computedlabel). */
const MAY_HAVE_ROLE: Record<ByRole['role'], string> = {
  button: 'button, [role="button"], input[type="submit"], input[type="button"]',
  dialog: 'dialog, [role="dialog"], [role="alertdialog"]',
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/**
 * Debian's WebKitGTK: MiniBrowser driven by WebKitWebDriver through selenium-webdriver, in an Xvfb of
 * its own, reaching the app through an https front (WebKit keeps no Secure cookie from http).
 * Scripts off is MiniBrowser's `--enable-javascript-markup=false`: the page's scripts never run,
 * while WebDriver's own scripts (finding, reading) still do.
 */
export async function launchWebKitGtk(paths: WebKitGtkPaths, appURL: string): Promise<Engine> {
  const xvfb = await startXvfb(paths.xvfb);
  const port = await freePort();
  const driver = startChild(paths.driver, [`--port=${port}`], { env: { ...process.env, DISPLAY: xvfb.display } });
  await Promise.race([waitForPort(port, 10_000), driver.failed]);
  const front = await startTlsFront(paths.openssl, new URL(appURL));
  return {
    baseURL: front.url,
    async open({ javaScript = true }: SessionOptions = {}) {
      const capabilities = new Capabilities({
        browserName: 'MiniBrowser',
        acceptInsecureCerts: true,
        'webkitgtk:browserOptions': { binary: paths.miniBrowser, args: ['--automation', ...(javaScript ? [] : ['--enable-javascript-markup=false'])] },
      });
      const webDriver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(capabilities).build();
      return webKitSession(webDriver, front.url);
    },
    async close() {
      await front.close();
      await driver.stop();
      await xvfb.stop();
    },
  };
}

function webKitSession(driver: WebDriver, baseURL: string): EngineSession {
  // WebDriver talks to one window at a time: each tab's call switches to it first, one call at a time.
  let queue: Promise<unknown> = Promise.resolve();
  let current: string | undefined;
  let tabs = 0;
  const exclusive = <T>(action: () => Promise<T>): Promise<T> => {
    const next = queue.then(action);
    queue = next.catch(() => undefined);
    return next;
  };
  const inWindow = <T>(handle: string, action: () => Promise<T>) =>
    exclusive(async () => {
      if (current !== handle) await driver.switchTo().window(handle);
      current = handle;
      return action();
    });
  return {
    async newTab() {
      const handle = await exclusive(async () => {
        // The session starts with one window: the first tab.
        if (tabs > 0) await driver.switchTo().newWindow('tab');
        tabs += 1;
        current = await driver.getWindowHandle();
        return current;
      });
      return webKitTab(driver, (action) => inWindow(handle, action), baseURL);
    },
    close: () => driver.quit(),
  };
}

function webKitTab(driver: WebDriver, inWindow: <T>(action: () => Promise<T>) => Promise<T>, baseURL: string): EngineTab {
  async function matches(element: WebElement, { role, name }: ByRole): Promise<boolean> {
    try {
      return (await element.getAriaRole()) === role && (await element.getAccessibleName()) === name;
    } catch {
      // A node that left the page meanwhile, or one the accessibility tree leaves out.
      return false;
    }
  }
  async function find(target: ByRole): Promise<WebElement | null> {
    const root = target.within ? await find(target.within) : driver;
    if (!root) return null;
    for (const element of await root.findElements(By.css(MAY_HAVE_ROLE[target.role]))) if (await matches(element, target)) return element;
    return null;
  }
  async function get(target: ByRole): Promise<WebElement> {
    const element = await find(target);
    if (!element) throw new Error(`no ${describeTarget(target)} in ${await driver.getCurrentUrl()}`);
    return element;
  }
  async function field(label: string): Promise<WebElement> {
    const element: unknown = await driver.executeScript(`return (${LABELLED_CONTROL})(arguments[0])`, label);
    if (!(element instanceof WebElement)) throw new Error(`no field labelled "${label}" in ${await driver.getCurrentUrl()}`);
    return element;
  }
  const keys = { Escape: Key.ESCAPE, Enter: Key.ENTER } as const;
  return {
    goto: (path) => inWindow(() => driver.get(new URL(path, baseURL).href)),
    url: () => inWindow(async () => new URL(await driver.getCurrentUrl())),
    type: (label, text) =>
      inWindow(async () => {
        const element = await field(label);
        try {
          await element.sendKeys(text);
        } catch (error) {
          throw new Error(`typing into "${label}" at ${await driver.getCurrentUrl()}: ${String(error)}`, { cause: error });
        }
      }),
    value: (label) => inWindow(async () => (await (await field(label)).getAttribute('value')) ?? ''),
    click: (target) => inWindow(async () => (await get(target)).click()),
    press: (key) => inWindow(() => driver.actions().sendKeys(keys[key]).perform()),
    isVisible: (target) =>
      inWindow(async () => {
        const element = await find(target);
        return element ? element.isDisplayed() : false;
      }),
    isFocused: (target) =>
      inWindow(async () => {
        const element = await find(target);
        return element ? WebElement.equals(element, await driver.switchTo().activeElement()) : false;
      }),
    evaluate: (expression) => inWindow(() => driver.executeScript(`return (${expression});`)),
    fetchJson: (path, body) =>
      inWindow(() =>
        driver.executeAsyncScript<FetchedJson>(
          `const done = arguments[arguments.length - 1]; (${FETCH_JSON})(arguments[0], arguments[1]).then(done, (error) => done({ status: 0, body: String(error), sentAt: 0, receivedAt: 0 }));`,
          path,
          body,
        ),
      ),
  };
}
