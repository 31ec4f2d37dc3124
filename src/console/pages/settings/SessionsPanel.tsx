import { useMutation, useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { queryClient } from '../../api/query-client';
import { useSession } from '../../auth/session';
import { Empty, ErrorView, QueryState } from '../../ui/states';
import { formatAgo, formatTime } from '../../ui/time';

/** Open console sessions of the tenant; revoking one signs that browser out on its next request. */
export function SessionsPanel() {
  const { data: current } = useSession();
  const sessions = useQuery({ queryKey: ['sessions'], queryFn: () => data(api.GET('/api/v1/sessions', { params: { query: { limit: 500 } } })) });
  const revoke = useMutation({
    mutationFn: (sessionId: string) => data(api.DELETE('/api/v1/sessions/{sessionId}', { params: { path: { sessionId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sessions'] }),
  });
  return (
    <section className="card">
      <h2>Console sessions</h2>
      <QueryState query={sessions}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No open sessions.</Empty>
          ) : (
            <table>
              <tbody>
                {page.items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <code>{s.id.slice(0, 8)}</code> {s.id === current?.session.id && '(this one)'}
                    </td>
                    <td>
                      token <code>{s.tokenId.slice(0, 8)}</code>
                    </td>
                    <td>used {formatAgo(s.lastUsedAt ?? s.createdAt)}</td>
                    <td>expires {formatTime(s.expiresAt)}</td>
                    <td>
                      <button type="button" className="danger" onClick={() => revoke.mutate(s.id)}>
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
      {revoke.error && <ErrorView error={revoke.error} />}
    </section>
  );
}
