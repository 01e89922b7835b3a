import { describe, expect, it } from 'vitest';
import { SIGNED_OUT_REASONS, isSignedOutReason } from './session-status';

// The login page and the client read a reason from a query string or a response body: only the six
// reasons the server gives may come through, so a crafted ?reason= cannot put other words on the page.
describe('isSignedOutReason', () => {
  it.each(SIGNED_OUT_REASONS)('accepts %j', (reason) => {
    expect(isSignedOutReason(reason)).toBe(true);
  });

  it.each([undefined, null, 0, true, '', 'IDLE', 'idle ', 'expired', 'constructor', ['idle'], { reason: 'idle' }])('refuses %j', (value) => {
    expect(isSignedOutReason(value)).toBe(false);
  });
});
