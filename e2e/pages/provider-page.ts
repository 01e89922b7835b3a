import { expect, type Page } from '@playwright/test';

/** The test provider's name, as the app's buttons and its own pages say it. */
export const PROVIDER_NAME = 'Example ID';

/** The test provider's accounts (scripts/dev-idp.mjs); `sub` is what its tokens name them by. */
export const ALICE = { username: 'alice', password: 'alice-password', sub: '248289761001' } as const;
export const BOB = { username: 'bob', password: 'bob-password', sub: '248289761002' } as const;

/** Signs in on the provider's own page, which must be showing. */
export async function signInAtProvider(page: Page, account: { username: string; password: string } = ALICE): Promise<void> {
  await expect(page.getByRole('heading', { name: PROVIDER_NAME })).toBeVisible();
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The login page's "Sign in with Example ID". */
export const signInButton = (page: Page) => page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` });
