import { listMyRecentEvents, RECENT_EVENTS } from '@/lib/server/events/event-listing';
import { LocalTime } from './local-time';

/** The dashboard's "Recent activity": the user's latest session events in plain words. A server component. */
export async function RecentActivity({ now }: { now: number }) {
  const mine = await listMyRecentEvents();
  return (
    <section className="card" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Recent activity</h2>
      {!mine.ok && mine.reason === 'no-records' ? (
        <p data-testid="no-activity-list">
          This server keeps no sessions of its own (SESSION_STORE=cookie), so it keeps no record of their events either: each
          sign-in and sign-out is written to the server&apos;s log only, and there is nothing to show here.
        </p>
      ) : mine.ok && mine.value.length > 0 ? (
        <ol className="activity" aria-label={`Your last ${RECENT_EVENTS} session events, the latest first`}>
          {mine.value.map((event) => (
            <li key={event.id} data-kind={event.kind}>
              {event.text}
              <span className="activity__meta">
                {event.device && <> · {event.device}</>} · <LocalTime inMs={event.at - now} withDate />
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="hint">Nothing yet.</p>
      )}
    </section>
  );
}
