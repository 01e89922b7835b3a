import type { ReactNode } from 'react';
import { formatDuration } from '@/lib/shared/duration';
import type { SessionSummary } from '@/lib/server/lists/session-listing';

const wholeMinutes = (ms: number) => formatDuration(Math.floor(ms / 60_000) * 60_000);

function ago(ms: number): string {
  return ms < 60_000 ? 'less than a minute ago' : `${wholeMinutes(ms)} ago`;
}

function within(ms: number): string {
  return ms < 60_000 ? 'in less than a minute' : `in ${wholeMinutes(ms)}`;
}

/** A table of sessions, in the store's order (the latest to time out first); `action` renders the last cell of each row (a button, or nothing). */
export function SessionList({
  sessions,
  now,
  showUser = false,
  action,
  label,
}: {
  sessions: SessionSummary[];
  now: number;
  showUser?: boolean;
  action?: (session: SessionSummary) => ReactNode;
  label: string;
}) {
  return (
    <table aria-label={label} data-testid="session-list">
      <thead>
        <tr>
          {showUser && <th scope="col">User</th>}
          <th scope="col">Device</th>
          <th scope="col">Signed in</th>
          <th scope="col">Last active</th>
          <th scope="col">Times out</th>
          {action && (
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr key={session.id} data-session-id={session.id}>
            {showUser && (
              <td>
                <code>{session.username}</code> ({session.role})
              </td>
            )}
            <td>
              {session.device}
              {session.current && <strong> (this device)</strong>}
            </td>
            <td>{ago(now - session.createdAt)}</td>
            <td>{ago(now - session.lastActivityAt)}</td>
            <td>{within(session.expiresAt - now)}</td>
            {action && <td>{action(session)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
