import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client';
import { Empty, QueryState } from '../../ui/states';
import { formatAgo } from '../../ui/time';

/** Whether each agent that checks the endpoint reaches it now. */
export function EndpointStatusTable({ endpointId }: { endpointId: string }) {
  const status = useQuery({ queryKey: ['endpoints', endpointId, 'status'], queryFn: () => data(api.GET('/api/v1/endpoints/{endpointId}/status', { params: { path: { endpointId } } })) });
  return (
    <QueryState query={status}>
      {(s) =>
        s.agents.length === 0 ? (
          <Empty>No agent has checked it yet.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Agent</th>
                <th>Reachable</th>
                <th>Latency</th>
                <th>Checked</th>
              </tr>
            </thead>
            <tbody>
              {s.agents.map((a) => (
                <tr key={a.agentId}>
                  <td>
                    <Link to="/agents/$agentId" params={{ agentId: a.agentId }}>
                      {a.agentId.slice(0, 8)}
                    </Link>
                  </td>
                  <td className={a.reachable ? 'ok' : 'bad'}>{a.reachable ? 'yes' : 'no'}</td>
                  <td>{a.latencyMs === null ? '—' : `${a.latencyMs} ms`}</td>
                  <td>{formatAgo(a.lastCheckedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </QueryState>
  );
}
