import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { appPort, startApp, type RunningApp } from '../test-support/app-server';
import { ADMIN, DEMO, sessionCookie } from './fixtures';
import { dbPath } from '../test-support/servers';

// The forms' server actions take the same cross-site rule as the route handlers. Next itself refuses
// an action whose Origin names another host, but lets one with no Origin through, whatever its
// Sec-Fetch-Site says. These tests end sessions, so they get a server of their own.
const PORT = appPort(45);
const BASE = `http://localhost:${PORT}`;

const HOSTILE: Array<{ name: string; headers: Record<string, string>; refusedByNext?: true }> = [
  { name: 'Sec-Fetch-Site cross-site, no Origin', headers: { 'Sec-Fetch-Site': 'cross-site' } },
  { name: 'Sec-Fetch-Site same-site, no Origin', headers: { 'Sec-Fetch-Site': 'same-site' } },
  { name: 'Sec-Fetch-Site cross-site with this Origin', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: BASE } },
  { name: 'another Origin', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }, refusedByNext: true },
];
const SAME_ORIGIN = { 'Sec-Fetch-Site': 'same-origin', Origin: BASE };

const decode = (text: string) => text.replaceAll('&quot;', '"').replaceAll('&#x27;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** The hidden fields of each form on the page, as it renders without JavaScript: what a plain form post sends. */
async function forms(path: string, cookie = ''): Promise<Array<{ html: string; fields: Array<[string, string]> }>> {
  const html = await (await fetch(`${BASE}${path}`, { headers: { cookie } })).text();
  return [...html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)].map(([, inner = '']) => ({
    html: inner,
    fields: [...inner.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)].map(([, name = '', value = '']): [string, string] => [decode(name), decode(value)]),
  }));
}

async function formWith(path: string, cookie: string, text: string): Promise<Array<[string, string]>> {
  const found = (await forms(path, cookie)).find((form) => form.html.includes(text));
  if (!found) throw new Error(`no form with "${text}" on ${path}`);
  return found.fields;
}

async function post(path: string, fields: Array<[string, string]>, headers: Record<string, string>, cookie = '') {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  const response = await fetch(`${BASE}${path}`, { method: 'POST', body, headers: { ...headers, cookie }, redirect: 'manual' });
  await response.arrayBuffer();
  return { status: response.status, setsSession: response.headers.getSetCookie().some((line) => line.startsWith('__Host-session=') && !line.includes('Max-Age=0')) };
}

const active = async (cookie: string) => (await fetch(`${BASE}/api/session`, { headers: { cookie } })).status === 200;
const tagOf = async (cookie: string) => ((await (await fetch(`${BASE}/api/session`, { headers: { cookie } })).json()) as { sessionTag: string }).sessionTag;

function expectRefused(status: number, refusedByNext = false) {
  expect(status).toBeGreaterThanOrEqual(400);
  // Next answers its own Origin check with a 500; the app's refusal is a plain 404 that does nothing.
  if (!refusedByNext) expect(status).toBe(404);
}

test.describe('server actions refuse cross-site requests', () => {
  test.describe.configure({ mode: 'serial' });
  let app: RunningApp;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    app = await startApp(PORT, { SESSION_DB_PATH: dbPath(`server-actions-${Date.now()}`) });
  });
  test.afterAll(async () => app?.stop());

  test('a cross-site sign-in form post signs no one in', async () => {
    const fields: Array<[string, string]> = [...(await formWith('/login', '', 'Sign in')), ['username', DEMO.username], ['password', DEMO.password]];
    for (const c of HOSTILE) {
      const result = await post('/login', fields, c.headers);
      expect(result.setsSession, c.name).toBe(false);
      expectRefused(result.status, c.refusedByNext);
    }
    expect(await post('/login', fields, SAME_ORIGIN)).toEqual({ status: 303, setsSession: true });
  });

  test('a cross-site post of the Sign out form (a route handler) ends no session', async () => {
    const cookie = await sessionCookie(BASE);
    // Its one field names the session the page was rendered for, which a cross-site page can read off no page.
    const fields = await formWith('/dashboard', cookie, '>Sign out<');
    expect(fields).toEqual([['sessionTag', await tagOf(cookie)]]);
    for (const c of HOSTILE) {
      expect((await post('/sign-out', fields, c.headers, cookie)).status, c.name).toBe(403);
      expect(await active(cookie), c.name).toBe(true);
    }
    expect((await post('/sign-out', fields, SAME_ORIGIN, cookie)).status).toBe(303);
    expect(await active(cookie)).toBe(false);
  });

  test('a cross-site "Sign out other sessions" ends no session', async () => {
    const mine = await sessionCookie(BASE);
    const other = await sessionCookie(BASE);
    const fields = await formWith('/dashboard', mine, 'Sign out other sessions');
    for (const c of HOSTILE) {
      expectRefused((await post('/dashboard', fields, c.headers, mine)).status, c.refusedByNext);
      expect(await active(other), c.name).toBe(true);
    }
    expect((await post('/dashboard', fields, SAME_ORIGIN, mine)).status).toBeLessThan(400);
    expect(await active(other)).toBe(false);
  });

  test('a cross-site form post of the admin page ends no session', async () => {
    const admin = await sessionCookie(BASE, ADMIN);
    const victim = await sessionCookie(BASE, DEMO);
    const tag = await tagOf(victim);
    // The form whose session id is the victim's: the status names a session by a hash of its id.
    const form = (await forms('/admin/sessions', admin)).find((candidate) =>
      candidate.fields.some(([name, value]) => name === 'sessionId' && createHash('sha256').update(value).digest('base64url').slice(0, 16) === tag),
    );
    if (!form) throw new Error("no form ends the victim's session");
    for (const c of HOSTILE) {
      expectRefused((await post('/admin/sessions', form.fields, c.headers, admin)).status, c.refusedByNext);
      expect(await active(victim), c.name).toBe(true);
    }
    expect((await post('/admin/sessions', form.fields, SAME_ORIGIN, admin)).status).toBeLessThan(400);
    expect(await active(victim)).toBe(false);
  });

  test('a cross-site post of "Confirm it\'s you" confirms nothing and does not do its pending action', async () => {
    const mine = await sessionCookie(BASE);
    const other = await sessionCookie(BASE);
    const page = '/confirm?then=sign-out-others&returnTo=%2Fdashboard';
    const fields: Array<[string, string]> = [...(await formWith(page, mine, 'Confirm')), ['password', DEMO.password]];
    for (const c of HOSTILE) {
      expectRefused((await post(page, fields, c.headers, mine)).status, c.refusedByNext);
      expect(await active(other), c.name).toBe(true);
    }
    expect((await post(page, fields, SAME_ORIGIN, mine)).status).toBe(303);
    expect(await active(other)).toBe(false);
  });
});
