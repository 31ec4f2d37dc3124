/**
 * An endpoint's results one by one, newest first (of one agent with `agentId`, on the agent page): what each
 * check saw, its whole result on demand, "Load more" by cursor.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { Json } from '../../ui/Json';
import { Empty, ErrorView, Loading } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { resultSummary } from './result-summary';

const PAGE = 25;

export function EndpointResults({ endpointId, agentId }: { endpointId: string; agentId?: string }) {
  const [unreachableOnly, setUnreachableOnly] = useState(false);
  const results = useInfiniteQuery({
    queryKey: ['endpoints', endpointId, 'results', agentId, unreachableOnly],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => data(api.GET('/api/v1/results', { params: { query: { endpointId, agentId, limit: PAGE, cursor: pageParam, ...(unreachableOnly ? { reachable: false } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="endpoint-results" aria-label="Check results">
      <h3>Results</h3>
      <label className="inline">
        <input type="checkbox" checked={unreachableOnly} onChange={(e) => setUnreachableOnly(e.target.checked)} /> Unreachable only
      </label>
      {results.error ? (
        <ErrorView error={results.error} />
      ) : results.isPending ? (
        <Loading what="Loading results" />
      ) : items.length === 0 ? (
        <Empty>{unreachableOnly ? 'No unreachable results.' : 'No results yet.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="results">
            <thead>
              <tr>
                <th>Checked</th>
                {agentId ? null : <th>Agent</th>}
                <th>Check</th>
                <th>Reachable</th>
                <th>Latency</th>
                <th>What it saw</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>{formatTime(r.checkedAt)}</td>
                  {agentId ? null : (
                    <td>
                      <Link to="/agents/$agentId" params={{ agentId: r.agentId }}>
                        {r.agentId.slice(0, 8)}
                      </Link>
                    </td>
                  )}
                  <td>{r.checkType}</td>
                  <td className={r.reachable ? 'ok' : 'bad'}>{r.reachable ? 'yes' : 'no'}</td>
                  <td>{r.latencyMs === null ? '—' : `${Math.round(r.latencyMs * 100) / 100} ms`}</td>
                  <td>
                    <details>
                      <summary>{resultSummary(r.checkType, r.result) || 'Result'}</summary>
                      <Json value={r.result} />
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {results.hasNextPage && (
        <button type="button" disabled={results.isFetchingNextPage} onClick={() => results.fetchNextPage()}>
          Load more
        </button>
      )}
    </section>
  );
}
