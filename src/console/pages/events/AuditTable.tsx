/** Audit entries, newest first, with filters the API offers; cursor paging by "Load more". */
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { Empty, ErrorView, Loading } from '../../ui/states';
import { formatTime } from '../../ui/time';

export interface AuditFilters {
  action?: string;
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
}

export function AuditTable({ filters }: { filters: AuditFilters }) {
  const audit = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => data(api.GET('/api/v1/audit', { params: { query: { ...filters, cursor: pageParam, limit: 100 } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (audit.error) return <ErrorView error={audit.error} />;
  if (audit.isPending) return <Loading what="Loading audit log" />;
  const items = audit.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <Empty>No audit entries.</Empty>;
  return (
    <>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Action</th>
              <th>Resource</th>
              <th>Actor</th>
              <th>Request</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.createdAt)}</td>
                <td>{e.action}</td>
                <td>
                  {e.resourceType} <code>{e.resourceId?.slice(0, 8)}</code>
                </td>
                <td>
                  {e.actorType} <code>{e.actorId?.slice(0, 8)}</code>
                </td>
                <td>
                  <code>{e.requestId}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {audit.hasNextPage && (
        <button type="button" onClick={() => audit.fetchNextPage()}>
          Load more
        </button>
      )}
    </>
  );
}
