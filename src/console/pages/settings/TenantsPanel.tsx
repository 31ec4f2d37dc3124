import { useMutation, useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { queryClient } from '../../api/query-client';
import { NameForm } from '../../ui/NameForm';
import { Empty, ErrorView, QueryState } from '../../ui/states';
import { formatTime } from '../../ui/time';

/** Tenants of the server (system tokens only). */
export function TenantsPanel() {
  const tenants = useQuery({ queryKey: ['tenants'], queryFn: () => data(api.GET('/api/v1/tenants', { params: { query: { limit: 500 } } })) });
  const create = useMutation({
    mutationFn: (name: string) => data(api.POST('/api/v1/tenants', { body: { name } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tenants'] }),
  });
  return (
    <section className="card">
      <h2>Tenants</h2>
      <QueryState query={tenants}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No tenants.</Empty>
          ) : (
            <ul>
              {page.items.map((t) => (
                <li key={t.id}>
                  {t.name} <span className="muted small">since {formatTime(t.createdAt)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      <NameForm label="Create tenant" busy={create.isPending} onCreate={(name) => create.mutate(name)} />
      {create.error && <ErrorView error={create.error} />}
    </section>
  );
}
