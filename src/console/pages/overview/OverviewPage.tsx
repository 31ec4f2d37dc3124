/** The fleet at a glance: online and offline, by OS, section and agent version, and live events. */
import { useSections } from '../../api/lookups';
import { useLiveEvents } from '../../api/events';
import { QueryState } from '../../ui/states';
import { EventList } from '../events/EventList';
import { useFleetCounts } from './fleet-counts';

function Breakdown({ title, rows }: { title: string; rows: [string, number][] }) {
  const max = Math.max(1, ...rows.map((r) => r[1]));
  return (
    <section className="card">
      <h2>{title}</h2>
      <ul className="bars">
        {rows.slice(0, 10).map(([k, n]) => (
          <li key={k}>
            <span>{k}</span>
            <meter min={0} max={max} value={n} aria-label={`${k}: ${n}`} />
            <strong>{n}</strong>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function OverviewPage() {
  const sections = useSections();
  const counts = useFleetCounts(sections.byId);
  const events = useLiveEvents(30);
  return (
    <>
      <h1>Fleet overview</h1>
      <QueryState query={counts} what="Counting agents">
        {(c) => (
          <>
            <div className="stats">
              <div className="card stat">
                <span>Agents</span>
                <strong>
                  {c.total}
                  {c.complete ? '' : '+'}
                </strong>
              </div>
              <div className="card stat on">
                <span>Online</span>
                <strong>{c.online}</strong>
              </div>
              <div className="card stat off">
                <span>Offline</span>
                <strong>{c.total - c.online}</strong>
              </div>
            </div>
            <div className="grid3">
              <Breakdown title="By OS" rows={c.byOs} />
              <Breakdown title="By section" rows={c.bySection} />
              <Breakdown title="By agent version" rows={c.byVersion} />
            </div>
          </>
        )}
      </QueryState>
      <section>
        <h2>Live events</h2>
        <EventList events={events} />
      </section>
    </>
  );
}
