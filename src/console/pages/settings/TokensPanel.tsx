import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data, type Schemas } from '../../api/client';
import { queryClient } from '../../api/query-client';
import { NameForm } from '../../ui/NameForm';
import { SecretOnce } from '../../ui/SecretOnce';
import { Empty, ErrorView, QueryState } from '../../ui/states';
import { formatAgo } from '../../ui/time';

type Role = Exclude<Schemas['Role'], 'system'>;

/** Operator tokens of the tenant; a new token's secret is shown once. */
export function TokensPanel() {
  const [role, setRole] = useState<Role>('viewer');
  const [shown, setShown] = useState<string | null>(null);
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => data(api.GET('/api/v1/tokens', { params: { query: { limit: 500 } } })) });
  const done = () => queryClient.invalidateQueries({ queryKey: ['tokens'] });
  const create = useMutation({
    mutationFn: (name: string) => data(api.POST('/api/v1/tokens', { body: { name, role } })),
    onSuccess: (created) => {
      setShown(created.secret);
      void done();
    },
  });
  const revoke = useMutation({ mutationFn: (tokenId: string) => data(api.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId } } })), onSuccess: done });
  return (
    <section className="card">
      <h2>Operator tokens</h2>
      {shown && <SecretOnce secret={shown} onDone={() => setShown(null)} />}
      <QueryState query={tokens}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No tokens.</Empty>
          ) : (
            <table>
              <tbody>
                {page.items.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{t.role}</td>
                    <td>
                      <code>{t.prefix}…</code>
                    </td>
                    <td>used {formatAgo(t.lastUsedAt)}</td>
                    <td>
                      <button type="button" className="danger" onClick={() => window.confirm(`Revoke ${t.name}?`) && revoke.mutate(t.id)}>
                        Revoke {t.name}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
      <NameForm label="Create token" busy={create.isPending} onCreate={(name) => create.mutate(name)}>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option>viewer</option>
            <option>operator</option>
            <option>admin</option>
          </select>
        </label>
      </NameForm>
      {(create.error || revoke.error) && <ErrorView error={create.error ?? revoke.error} />}
    </section>
  );
}
