import { expect, test } from '@playwright/test';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { ADMIN, DEMO, type Account } from '../test-support/demo-accounts';
import { signInOverHttp } from '../test-support/sign-in';
import { startStore, type StoreUnderTest } from '../test-support/store-under-test';

// Guesses sent all at once, as a script would: every one of them arrives while earlier ones are still
// hashing. The throttle must hold anyway, on every store.
const GUESSES = 60;
const PER_USER = 5;
const PER_ADDRESS = 20;

/** The status a sign-in from `address` gets. */
async function statusFrom(base: string, account: Account, address: string): Promise<number> {
  return (await signInOverHttp(base, account, { address })).status;
}

/** How many answers had each status, e.g. `{ 401: 5, 429: 55 }`. */
function tally(codes: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

function report(line: string) {
  console.log(line);
  test.info().annotations.push({ type: 'throttle', description: line });
}

const STORES = [
  { name: 'SQLite', port: appPort(40) },
  { name: 'Redis', port: appPort(41) },
  { name: 'Postgres', port: appPort(44) },
] as const;

for (const store of STORES) {
  test.describe(`sign-in throttle under concurrency (${store.name})`, () => {
    test.describe.configure({ mode: 'serial', timeout: 120_000 });
    let under: StoreUnderTest | undefined;
    let app: RunningApp;

    test.beforeAll(async () => {
      test.setTimeout(90_000);
      under = await startStore(store.name, { offset: 7, label: `throttle-concurrency-${store.port}` });
      app = await startApp(store.port, {
        ...under.env,
        SIGN_IN_MAX_FAILURES_PER_USER: String(PER_USER),
        SIGN_IN_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
        SIGN_IN_THROTTLE_WINDOW: '10m',
      });
    });

    test.afterAll(async () => {
      await app?.stop();
      await under?.stop();
    });

    test('the right password sent many times at once from one address signs in every time', async () => {
      const codes = await Promise.all(Array.from({ length: 2 * PER_USER + 2 }, () => statusFrom(app.url, DEMO, '192.0.2.1')));
      expect(tally(codes)).toEqual({ 200: 2 * PER_USER + 2 });
    });

    test(`${GUESSES} wrong passwords at once for one username, from as many addresses: exactly ${PER_USER} are checked, and then the right password is refused too`, async () => {
      const codes = await Promise.all(Array.from({ length: GUESSES }, (_, i) => statusFrom(app.url, { ...ADMIN, password: `wrong-${i}` }, `198.51.100.${i}`)));
      report(`${store.name}: ${GUESSES} concurrent wrong passwords for one username, limit ${PER_USER}: ${JSON.stringify(tally(codes))}`);
      expect(tally(codes)).toEqual({ 401: PER_USER, 429: GUESSES - PER_USER });
      // A browser without a device cookie, from an address that never failed.
      expect(await statusFrom(app.url, ADMIN, '198.51.100.250')).toBe(429);
    });

    test(`${GUESSES} guesses at once for different usernames from one address: exactly ${PER_ADDRESS} are checked`, async () => {
      const codes = await Promise.all(Array.from({ length: GUESSES }, (_, i) => statusFrom(app.url, { username: `someone-${i}`, password: 'x' }, '203.0.113.7')));
      report(`${store.name}: ${GUESSES} concurrent guesses from one address, limit ${PER_ADDRESS}: ${JSON.stringify(tally(codes))}`);
      expect(tally(codes)).toEqual({ 401: PER_ADDRESS, 429: GUESSES - PER_ADDRESS });
      expect(await statusFrom(app.url, DEMO, '203.0.113.7')).toBe(429);
      expect(await statusFrom(app.url, DEMO, '203.0.113.8')).toBe(200);
    });

    test('attempts refused for one key do not use up the budget of the other', async () => {
      // The address is locked above: attempts it refuses must leave the username its whole budget.
      const refusedForAddress = await Promise.all(Array.from({ length: 2 * PER_USER }, () => statusFrom(app.url, { username: 'fresh-name', password: 'x' }, '203.0.113.7')));
      expect(tally(refusedForAddress)).toEqual({ 429: 2 * PER_USER });
      const sameName = await Promise.all(Array.from({ length: PER_USER }, (_, i) => statusFrom(app.url, { username: 'fresh-name', password: `again-${i}` }, `192.0.2.${100 + i}`)));
      expect(tally(sameName)).toEqual({ 401: PER_USER });
      // The username refused these (admin is locked above): the address must still have its whole budget.
      const refusedForUser = await Promise.all(Array.from({ length: 2 * PER_ADDRESS }, () => statusFrom(app.url, { ...ADMIN, password: 'x' }, '192.0.2.200')));
      expect(tally(refusedForUser)).toEqual({ 429: 2 * PER_ADDRESS });
      const fresh = await Promise.all(Array.from({ length: PER_ADDRESS }, (_, i) => statusFrom(app.url, { username: `newcomer-${i}`, password: 'x' }, '192.0.2.200')));
      expect(tally(fresh)).toEqual({ 401: PER_ADDRESS });
    });
  });
}
