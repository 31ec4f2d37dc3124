import type { FleetEvent } from '../../api/events';
import { Empty } from '../../ui/states';
import { formatTime } from '../../ui/time';

export function EventList({ events }: { events: FleetEvent[] }) {
  if (events.length === 0) return <Empty>No events yet.</Empty>;
  return (
    <ol className="events" aria-live="polite">
      {events.map((e) => (
        <li key={e.offset}>
          <time dateTime={e.timestamp}>{formatTime(e.timestamp)}</time> <strong>{e.type}</strong> {e.resourceType} <code>{e.resourceId?.slice(0, 8)}</code>
        </li>
      ))}
    </ol>
  );
}
