/** Runs once when the server starts, before it accepts requests. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { assertConfigAtStart } = await import('./lib/server/config-check');
    assertConfigAtStart();
    // Idle and absolute ends are written at their deadline even when no request comes back for the session.
    const { startSweeper } = await import('./lib/server/session/sweep');
    startSweeper();
  }
}
