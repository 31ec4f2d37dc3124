import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client';
import { useCan } from '../../auth/session';
import { Empty, QueryState } from '../../ui/states';
import { formatTime } from '../../ui/time';

/** Policies of the tenant, in merge order. */
export function PoliciesPage() {
  const canEdit = useCan('admin');
  const policies = useQuery({ queryKey: ['policies'], queryFn: () => data(api.GET('/api/v1/policies', { params: { query: { limit: 500 } } })) });
  return (
    <>
      <div className="page-head">
        <h1>Policies</h1>
        {canEdit && (
          <Link className="button" to="/policies/$policyId" params={{ policyId: 'new' }}>
            New policy
          </Link>
        )}
      </div>
      <QueryState query={policies}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No policies: agents run with the defaults.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Scope</th>
                  <th>Priority</th>
                  <th>Enabled</th>
                  <th>Version</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to="/policies/$policyId" params={{ policyId: p.id }}>
                        {p.name}
                      </Link>
                    </td>
                    <td>
                      {p.scope} {p.target}
                    </td>
                    <td>{p.priority}</td>
                    <td>{p.enabled ? 'yes' : 'no'}</td>
                    <td>{p.version}</td>
                    <td>{formatTime(p.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </>
  );
}
