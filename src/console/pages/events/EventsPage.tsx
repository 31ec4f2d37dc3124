/** The event feed: the latest stored events, then new ones as they arrive on the stream. */
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { useLiveEvents } from '../../api/events';
import { QueryState } from '../../ui/states';
import { EventList } from './EventList';

export function EventsPage() {
  const live = useLiveEvents(200);
  const recent = useQuery({ queryKey: ['events', 'recent'], queryFn: () => data(api.GET('/api/v1/events', { params: { query: { limit: 100 } } })) });
  return (
    <>
      <h1>Events</h1>
      <h2>Live</h2>
      <EventList events={live} />
      <h2>Stored</h2>
      <QueryState query={recent}>{(page) => <EventList events={[...page.events].reverse()} />}</QueryState>
    </>
  );
}
