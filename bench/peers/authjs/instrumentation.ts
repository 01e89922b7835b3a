/** Creates the database variant's tables once, when the server starts. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.AUTH_SESSION_STRATEGY !== 'database') return;
  const { createClient } = await import('@libsql/client');
  const { SCHEMA } = await import('./database');
  const client = createClient({ url: `file:${process.env.AUTH_DB_PATH ?? 'authjs.db'}` });
  await client.executeMultiple(SCHEMA);
  client.close();
}
