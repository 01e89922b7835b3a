import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { jar } from '../../../test-support/cookie-jar';
import type { Flow } from './flow-cookie';

vi.mock('next/headers', () => import('../../../test-support/cookie-jar'));

let writeFlowCookie: typeof import('./flow-cookie').writeFlowCookie;
let takeFlowCookie: typeof import('./flow-cookie').takeFlowCookie;

beforeAll(async () => {
  Object.assign(process.env, { SESSION_SECRET: 'unit-test-secret-that-is-long-enough-0123', SESSION_DB_PATH: ':memory:' });
  ({ writeFlowCookie, takeFlowCookie } = await import('./flow-cookie'));
});
beforeEach(() => jar.clear());
afterEach(() => vi.useRealTimers());

const STATE = 's'.repeat(43);
const FLOW: Flow = { purpose: 'sign-in', state: STATE, nonce: 'n'.repeat(43), verifier: 'v'.repeat(43), maxAgeS: 1800, returnTo: '/dashboard', startedAt: 1_765_000_000_000 };

describe('the flow cookie', () => {
  it('leaves the cookie to its own return: another state, or none, takes nothing', async () => {
    await writeFlowCookie(FLOW);
    expect(await takeFlowCookie('t'.repeat(43))).toBeUndefined();
    expect(await takeFlowCookie(null)).toBeUndefined();
    expect(jar.has('oidc-flow')).toBe(true);
    expect(await takeFlowCookie(STATE)).toEqual(FLOW);
  });

  it('holds the longest returnTo a sign-in keeps', async () => {
    const long = { ...FLOW, returnTo: `/dashboard?${'q'.repeat(1010)}` };
    await writeFlowCookie(long);
    expect(await takeFlowCookie(STATE)).toEqual(long);
  });

  it('gives back what was sealed, once: a second return finds nothing', async () => {
    await writeFlowCookie(FLOW);
    expect(jar.get('oidc-flow')).toMatch(/^Fe26\.2\*/);
    expect(await takeFlowCookie(STATE)).toEqual(FLOW);
    expect(jar.has('oidc-flow')).toBe(false);
    expect(await takeFlowCookie(STATE)).toBeUndefined();
  });

  // iron's seal allows a minute for clocks beyond its ttl.
  it('is good for ten minutes, and not after the allowance for clocks', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
    await writeFlowCookie(FLOW);
    const sealed = jar.get('oidc-flow') ?? '';
    vi.setSystemTime(new Date('2026-12-06T10:09:50Z'));
    expect(await takeFlowCookie(STATE)).toEqual(FLOW);
    jar.set('oidc-flow', sealed);
    vi.setSystemTime(new Date('2026-12-06T10:11:01Z'));
    expect(await takeFlowCookie(STATE)).toBeUndefined();
  });

  it('refuses a tampered, a foreign, an oversized or a misshapen seal, and clears it all the same', async () => {
    await writeFlowCookie(FLOW);
    const sealed = jar.get('oidc-flow') ?? '';
    for (const value of [`${sealed.slice(0, -6)}AAAA~2`, 'Fe26.2**forged', `${sealed}${'x'.repeat(4000)}`]) {
      jar.set('oidc-flow', value);
      expect(await takeFlowCookie(STATE)).toBeUndefined();
      expect(jar.has('oidc-flow')).toBe(false);
    }
    const { seal } = await import('../session/seal');
    jar.set('oidc-flow', await seal({ ...FLOW, verifier: 'short' }, { current: process.env.SESSION_SECRET ?? '' }, 600));
    expect(await takeFlowCookie(STATE)).toBeUndefined();
  });
});
