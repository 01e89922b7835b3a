import { describe, expect, it } from 'vitest';
import { NO_SESSION_REASONS, isNoSessionReason } from './session-status';

// The login page and the client read a reason from a query string or a response body: only the six
// reasons the server gives may come through, so a crafted ?reason= cannot put other words on the page.
describe('isNoSessionReason', () => {
  it.each(NO_SESSION_REASONS)('accepts %j', (reason) => {
    expect(isNoSessionReason(reason)).toBe(true);
  });

  it.each([undefined, null, 0, true, '', 'IDLE', 'idle ', 'expired', 'constructor', ['idle'], { reason: 'idle' }])('refuses %j', (value) => {
    expect(isNoSessionReason(value)).toBe(false);
  });
});
