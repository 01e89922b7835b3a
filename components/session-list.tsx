import type { ReactNode } from 'react';
import { formatDuration } from '@/lib/duration';
import type { SessionSummary } from '@/lib/session-admin';

function ago(ms: number): string {
  return ms < 60_000 ? 'less than a minute ago' : `${formatDuration(Math.floor(ms / 60_000) * 60_000)} ago`;
}

/** A table of sessions; `action` renders the last cell of each row (a button, or nothing). */
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
            {action && <td>{action(session)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
