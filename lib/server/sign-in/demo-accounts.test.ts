import { describe, expect, it } from 'vitest';
import { ADMIN, DEMO } from '../../../test-support/demo-accounts';
import { DEMO_CREDENTIALS, verifyCredentials } from './users';

// The tests and benches sign in with test-support's copy of the demo accounts: it must stay the app's.
describe('the demo accounts the tests sign in with', () => {
  it.each([DEMO, ADMIN])('$username signs in with its password and has the role $role', async (account) => {
    expect(await verifyCredentials(account.username, account.password)).toMatchObject({ username: account.username, role: account.role });
  });

  it('are the accounts the login page shows', () => {
    expect(DEMO_CREDENTIALS).toEqual([DEMO, ADMIN]);
  });

  // An `@` ends the names of the OpenID provider's users (oidc/accounts.ts): a local name with one could be taken.
  it('hold no @ in their names', () => {
    for (const { username } of DEMO_CREDENTIALS) expect(username).not.toContain('@');
  });
});
