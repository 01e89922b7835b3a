import { beforeAll, describe, expect, it, vi } from 'vitest';
import { jar } from '../../../test-support/cookie-jar';
import { signDeviceToken, verifyDeviceToken } from './device-token';

vi.mock('next/headers', () => import('../../../test-support/cookie-jar'));

const CURRENT = 'unit-test-secret-after-the-rotation-0123456';
const PREVIOUS = 'unit-test-secret-before-the-rotation-012345';

let readDeviceCookie: typeof import('./device-cookie').readDeviceCookie;
beforeAll(async () => {
  Object.assign(process.env, { SESSION_SECRET: CURRENT, SESSION_SECRET_PREVIOUS: PREVIOUS, SESSION_DB_PATH: ':memory:' });
  ({ readDeviceCookie } = await import('./device-cookie'));
});

describe('the device cookie across rotations', () => {
  it('one signed with the previous secret is signed again with the current one when it is used, so a second rotation keeps it', async () => {
    const now = Date.now();
    const device = { username: 'demo', id: 'BBBBBBBBBBBBBBBBBBBBBB', expiresAt: now + 86_400_000 };
    jar.set('device', signDeviceToken(device, PREVIOUS));
    expect(await readDeviceCookie(now)).toEqual(device);
    // The next rotation: the secret that is current now becomes the previous one, and PREVIOUS is gone.
    expect(verifyDeviceToken(jar.get('device') ?? '', { current: 'a-third-secret-after-another-rotation-0123', previous: CURRENT }, now)).toEqual({ ...device, stale: true });
  });

  it('one signed with the current secret is left as it is', async () => {
    const now = Date.now();
    const value = signDeviceToken({ username: 'demo', id: 'CCCCCCCCCCCCCCCCCCCCCC', expiresAt: now + 86_400_000 }, CURRENT);
    jar.set('device', value);
    await readDeviceCookie(now);
    expect(jar.get('device')).toBe(value);
  });
});
