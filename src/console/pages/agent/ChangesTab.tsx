import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import type { Agent } from '../agents/columns';
import { Empty, QueryState } from '../../ui/states';
import { formatTime } from '../../ui/time';

/** What changed between the agent's inventory snapshots, newest first. */
export function ChangesTab({ agent }: { agent: Agent }) {
  const changes = useQuery({
    queryKey: ['agent', agent.id, 'changes'],
    queryFn: () => data(api.GET('/api/v1/agents/{agentId}/inventory/changes', { params: { path: { agentId: agent.id }, query: { limit: 200 } } })),
  });
  return (
    <QueryState query={changes}>
      {(page) =>
        page.items.length === 0 ? (
          <Empty>No inventory changes recorded.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Change</th>
                <th>What</th>
                <th>Before</th>
                <th>After</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((c) => (
                <tr key={c.id}>
                  <td>{formatTime(c.collectedAt)}</td>
                  <td>{c.kind}</td>
                  <td>{c.name}</td>
                  <td>{JSON.stringify(c.before)}</td>
                  <td>{JSON.stringify(c.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </QueryState>
  );
}
