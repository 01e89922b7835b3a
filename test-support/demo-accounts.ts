/**
 * The demo's built-in accounts, as the tests and benches sign in with them. The app's own list is
 * `lib/server/sign-in/users.ts`; `lib/server/sign-in/demo-accounts.test.ts` signs these in against it, so the two cannot drift.
 */
export interface Account {
  username: string;
  password: string;
}

export const DEMO = { username: 'demo', password: 'demo-password', role: 'user' } as const;
export const ADMIN = { username: 'admin', password: 'admin-password', role: 'admin' } as const;
