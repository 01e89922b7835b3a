import 'server-only';
import { deadlines } from '../../shared/session-policy';
import type { ActiveStatus } from '../../shared/session-status';
import { config } from '../config';
import type { SessionData } from './mode';

/** The public status of an active session at `now`: durations the client adds to its own clock. */
export function toStatus(session: SessionData, now: number): ActiveStatus {
  const { policy } = config();
  const { idleAt, absoluteAt } = deadlines(session, policy);
  return {
    authenticated: true,
    user: { username: session.username, role: session.role },
    idleExpiresInMs: idleAt - now,
    absoluteExpiresInMs: absoluteAt - now,
    warningBeforeMs: policy.warningBeforeMs,
    idleTimeoutMs: policy.idleMs[session.role],
    sessionTag: session.sessionTag,
  };
}
