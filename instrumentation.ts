/** Runs once when the server starts, before it accepts requests. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { assertConfigAtStart } = await import('./lib/server/config-check');
    assertConfigAtStart();
  }
}
