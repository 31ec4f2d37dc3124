import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { QueryState } from '../../ui/states';
import { formatTime } from '../../ui/time';

/** The system at a glance (system tokens only): `GET /api/v1/admin/stats`, refreshed every 10 s. */
export function SystemPanel() {
  const stats = useQuery({ queryKey: ['admin-stats'], queryFn: () => data(api.GET('/api/v1/admin/stats')), refetchInterval: 10_000 });
  return (
    <section className="card" aria-labelledby="system-stats">
      <h2 id="system-stats">System</h2>
      <QueryState query={stats}>
        {(s) => (
          <>
            <p className="muted small">
              {s.instance.version}, up {Math.round(s.instance.uptimeSeconds / 60)} min, {s.database.dialect}
              {s.instance.nats ? ' + NATS' : ''}; as of {formatTime(s.generatedAt)}
            </p>
            <table className="system-stats">
              <tbody>
                <tr>
                  <th scope="row">Agents online / offline / revoked</th>
                  <td>
                    {s.agents.online} / {s.agents.offline} / {s.agents.revoked}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Events published</th>
                  <td>{s.events.published}</td>
                </tr>
                <tr>
                  <th scope="row">Command executions</th>
                  <td>
                    {Object.entries(s.commands.executions)
                      .map(([state, n]) => `${state} ${n}`)
                      .join(', ')}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Ingest queue</th>
                  <td>{s.ingest.queueDepth ?? 'unknown'}</td>
                </tr>
                <tr>
                  <th scope="row">Database pool in use / waiting / max</th>
                  <td>
                    {s.database.poolInUse} / {s.database.poolWaiting} / {s.database.poolMax}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Telemetry rows ({s.telemetry.storage})</th>
                  <td>
                    {s.telemetry.rows}
                    {s.telemetry.partitions > 0 ? ` in ${s.telemetry.partitions} partitions` : ''}
                  </td>
                </tr>
              </tbody>
            </table>
            <table>
              <thead>
                <tr>
                  <th scope="col">Tenant</th>
                  <th scope="col">Online</th>
                  <th scope="col">Offline</th>
                  <th scope="col">Revoked</th>
                  <th scope="col">Events</th>
                </tr>
              </thead>
              <tbody>
                {s.tenants.map((t) => (
                  <tr key={t.tenantId}>
                    <td>{t.name}</td>
                    <td>{t.agents.online}</td>
                    <td>{t.agents.offline}</td>
                    <td>{t.agents.revoked}</td>
                    <td>{t.eventsPublished}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </QueryState>
    </section>
  );
}
