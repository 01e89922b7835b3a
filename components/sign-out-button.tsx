'use client';

import { useTimeoutController } from './session-timeout-provider';

/** Signing out goes through the timer, so no keep-alive can be sent (or land) after the user chose to leave. */
export function SignOutButton() {
  const controller = useTimeoutController();
  return (
    <button type="button" className="button" onClick={controller.logOut}>
      Sign out
    </button>
  );
}
