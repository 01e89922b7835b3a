/** Creates or updates better-auth's tables once, when the server starts (what `npx @better-auth/cli migrate` does). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getMigrations } = await import('better-auth/db/migration');
  const { auth } = await import('./auth');
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
}
