/** Smotra registrations waiting for a claim; claiming asks for the claim token from the agent's log. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { Empty, QueryState } from '../../ui/states';
import { formatAgo, formatTime } from '../../ui/time';
import { ClaimDialog } from './ClaimDialog';

export function PendingPage() {
  const pending = useQuery({ queryKey: ['agents', 'pending'], queryFn: () => data(api.GET('/api/v1/agents/pending', { params: { query: { limit: 200 } } })) });
  const [claiming, setClaiming] = useState<{ agentId: string; hostname: string } | null>(null);
  return (
    <>
      <h1>Pending claims</h1>
      <QueryState query={pending}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No agent is waiting to be claimed.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Hostname</th>
                  <th>Agent version</th>
                  <th>IP</th>
                  <th>Registered</th>
                  <th>Expires</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((p) => (
                  <tr key={p.agentId}>
                    <td>{p.hostname}</td>
                    <td>{p.agentVersion}</td>
                    <td>{p.ipAddresses.map(String).join(', ')}</td>
                    <td title={formatTime(p.registeredAt)}>{formatAgo(p.registeredAt)}</td>
                    <td>{formatTime(p.expiresAt)}</td>
                    <td>
                      <button type="button" onClick={() => setClaiming({ agentId: p.agentId, hostname: p.hostname })}>
                        Claim {p.hostname}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
      {claiming && <ClaimDialog {...claiming} onClose={() => setClaiming(null)} />}
    </>
  );
}
