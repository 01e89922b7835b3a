import { SessionTimeoutProvider } from '@/components/session-timeout/provider';
import { TIMEOUT_WORDS } from '@/lib/shared/timeout-words';
import { mount } from './root';

// The real provider (controller, cross-tab channel, dialog); no timer fires during a benchmark loop, so no request is sent.
const status = {
  authenticated: true,
  user: { username: 'demo', role: 'user' },
  idleExpiresInMs: 30 * 60_000,
  absoluteExpiresInMs: 12 * 3_600_000,
  warningBeforeMs: 5 * 60_000,
  idleTimeoutMs: 30 * 60_000,
  sessionTag: 'bench',
} as const;

mount(
  <SessionTimeoutProvider status={status} words={TIMEOUT_WORDS} hearsEnds={false}>
    <span />
  </SessionTimeoutProvider>,
);
