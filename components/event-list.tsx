import type { EventSummary } from '@/lib/server/events/event-listing';
import { LocalTime } from './local-time';

/** A table of session events, the newest first, for administrators. A server component. */
export function EventList({ events, now, label }: { events: EventSummary[]; now: number; label: string }) {
  return (
    <table aria-label={label} data-testid="event-list">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">User</th>
          <th scope="col">What happened</th>
          <th scope="col">Device or address</th>
          <th scope="col">By</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id} data-kind={event.kind}>
            <td>
              <LocalTime inMs={event.at - now} withDate />
            </td>
            <td>
              <code>{event.username}</code>
            </td>
            <td>{event.text}</td>
            <td>{[event.device, event.address].filter(Boolean).join(' · ')}</td>
            <td>{event.by}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
