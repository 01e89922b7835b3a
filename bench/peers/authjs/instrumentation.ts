/** Creates the database variant's tables once, when the server starts: in Postgres with AUTH_DATABASE_URL, else in SQLite. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.AUTH_SESSION_STRATEGY !== 'database') return;
  if (process.env.AUTH_DATABASE_URL) {
    const { postgresPool, POSTGRES_SCHEMA } = await import('./postgres');
    const pool = postgresPool();
    await pool.query(POSTGRES_SCHEMA);
    await pool.end();
    return;
  }
  const { createClient } = await import('@libsql/client');
  const { SCHEMA } = await import('./database');
  const client = createClient({ url: `file:${process.env.AUTH_DB_PATH ?? 'authjs.db'}` });
  await client.executeMultiple(SCHEMA);
  client.close();
}
