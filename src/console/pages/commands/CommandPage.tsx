/** One command: per-state counts, its executions with live output, and cancel. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { queryClient } from '../../api/query-client';
import { useCan } from '../../auth/session';
import { ErrorView, QueryState } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { summary } from './CommandList';
import { OutputFollow } from './OutputFollow';

const STATES = ['pending', 'delivered', 'running', 'succeeded', 'failed', 'timed_out', 'expired', 'cancelled', 'skipped'] as const;

export function CommandPage() {
  const { commandId } = useParams({ from: '/commands/$commandId' });
  const [open, setOpen] = useState<string | null>(null);
  const canCancel = useCan('operator');
  const command = useQuery({ queryKey: ['command', commandId], queryFn: () => data(api.GET('/api/v1/commands/{commandId}', { params: { path: { commandId } } })) });
  const executions = useQuery({
    queryKey: ['command', commandId, 'executions'],
    queryFn: () => data(api.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId }, query: { limit: 500 } } })),
  });
  const cancel = useMutation({
    mutationFn: () => data(api.POST('/api/v1/commands/{commandId}/cancel', { params: { path: { commandId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['command', commandId] }),
  });
  return (
    <QueryState query={command}>
      {(c) => (
        <>
          <div className="page-head">
            <h1>
              <code>{summary(c)}</code>
            </h1>
            {canCancel && (
              <button type="button" className="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
                Cancel
              </button>
            )}
          </div>
          {cancel.error && <ErrorView error={cancel.error} />}
          <p className="muted">
            {c.type} · created {formatTime(c.createdAt)} · expires {formatTime(c.expiresAt)}
          </p>
          <ul className="counts" aria-label="Executions by state">
            {STATES.map((s) => (
              <li key={s} className={`state ${s}`}>
                <span>{s.replace('_', ' ')}</span> <strong>{c.counts[s as keyof typeof c.counts] ?? 0}</strong>
              </li>
            ))}
          </ul>
          <QueryState query={executions}>
            {(page) => (
              <table>
                <thead>
                  <tr>
                    <th>Agent</th>
                    <th>State</th>
                    <th>Exit</th>
                    <th>Finished</th>
                    <th>Output</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((e) => (
                    <tr key={e.agentId}>
                      <td>
                        <Link to="/agents/$agentId" params={{ agentId: e.agentId }}>
                          {e.agentId.slice(0, 8)}
                        </Link>
                      </td>
                      <td>
                        <span className={`state ${e.state}`}>{e.state}</span> {e.reason && <span className="muted small">{e.reason}</span>}
                      </td>
                      <td>{e.exitCode ?? ''}</td>
                      <td>{formatTime(e.finishedAt)}</td>
                      <td>
                        {open === e.agentId ? (
                          <OutputFollow commandId={commandId} agentId={e.agentId} />
                        ) : (
                          <button type="button" onClick={() => setOpen(e.agentId)}>
                            Show output
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryState>
        </>
      )}
    </QueryState>
  );
}
