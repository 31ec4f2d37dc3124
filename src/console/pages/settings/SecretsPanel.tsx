import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { useSections } from '../../api/lookups';
import { queryClient } from '../../api/query-client';
import { NameForm } from '../../ui/NameForm';
import { SecretOnce } from '../../ui/SecretOnce';
import { Empty, ErrorView, QueryState } from '../../ui/states';
import { formatTime } from '../../ui/time';

/** Enrollment secrets agents present to join the tenant or a section. */
export function SecretsPanel() {
  const sections = useSections();
  const [sectionId, setSectionId] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const secrets = useQuery({ queryKey: ['enroll-secrets'], queryFn: () => data(api.GET('/api/v1/enroll-secrets', { params: { query: { limit: 500 } } })) });
  const done = () => queryClient.invalidateQueries({ queryKey: ['enroll-secrets'] });
  const create = useMutation({
    mutationFn: (name: string) => data(api.POST('/api/v1/enroll-secrets', { body: { name, sectionId: sectionId || undefined } })),
    onSuccess: (created) => {
      setShown(created.secret);
      void done();
    },
  });
  const revoke = useMutation({ mutationFn: (secretId: string) => data(api.DELETE('/api/v1/enroll-secrets/{secretId}', { params: { path: { secretId } } })), onSuccess: done });
  return (
    <section className="card">
      <h2>Enrollment secrets</h2>
      {shown && <SecretOnce secret={shown} onDone={() => setShown(null)} />}
      <QueryState query={secrets}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No enrollment secrets.</Empty>
          ) : (
            <table>
              <tbody>
                {page.items.map((s) => (
                  <tr key={s.id}>
                    <td>{s.name}</td>
                    <td>
                      <code>{s.prefix}…</code>
                    </td>
                    <td>{s.sectionId ? (sections.byId.get(s.sectionId) ?? s.sectionId) : 'tenant'}</td>
                    <td>last used {formatTime(s.lastUsedAt)}</td>
                    <td>
                      <button type="button" className="danger" onClick={() => revoke.mutate(s.id)}>
                        Revoke {s.name}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
      <NameForm label="Create secret" busy={create.isPending} onCreate={(name) => create.mutate(name)}>
        <label>
          Section
          <select value={sectionId} onChange={(e) => setSectionId(e.target.value)}>
            <option value="">whole tenant</option>
            {sections.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      </NameForm>
      {(create.error || revoke.error) && <ErrorView error={create.error ?? revoke.error} />}
    </section>
  );
}
