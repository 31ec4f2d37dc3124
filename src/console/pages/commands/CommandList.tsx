/** Commands, newest first, optionally of one agent. */
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data, type Schemas } from '../../api/client';
import { Empty, QueryState } from '../../ui/states';
import { formatTime } from '../../ui/time';

export function summary(c: Schemas['Command']): string {
  const p = c.payload as Record<string, unknown>; // the payload's shape depends on the type; shown as text
  if (c.type === 'rotate_key') return 'rotate the agent key';
  if (c.type === 'run_command') return [p.cmd, ...((p.args as string[] | undefined) ?? [])].join(' ');
  return `${c.type} ${String(p.name ?? p.version ?? '')}`;
}

export function CommandList({ agentId }: { agentId?: string }) {
  const commands = useQuery({ queryKey: ['commands', agentId], queryFn: () => data(api.GET('/api/v1/commands', { params: { query: { agentId, limit: 100 } } })) });
  return (
    <QueryState query={commands}>
      {(page) =>
        page.items.length === 0 ? (
          <Empty>No commands yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Command</th>
                  <th>Succeeded</th>
                  <th>Failed</th>
                  <th>Pending</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((c) => (
                  <tr key={c.id}>
                    <td>{formatTime(c.createdAt)}</td>
                    <td>
                      <Link to="/commands/$commandId" params={{ commandId: c.id }}>
                        {summary(c)}
                      </Link>
                    </td>
                    <td>{c.counts.succeeded}</td>
                    <td>{c.counts.failed}</td>
                    <td>{c.counts.pending + c.counts.delivered + c.counts.running}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryState>
  );
}
