import { useMutation } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { useSections } from '../../api/lookups';
import { queryClient } from '../../api/query-client';
import { useCan } from '../../auth/session';
import { NameForm } from '../../ui/NameForm';
import { Empty, ErrorView } from '../../ui/states';

export function SectionsPanel() {
  const sections = useSections();
  const canEdit = useCan('admin');
  const create = useMutation({
    mutationFn: (name: string) => data(api.POST('/api/v1/sections', { body: { name } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sections'] }),
  });
  return (
    <section className="card">
      <h2>Sections</h2>
      {sections.items.length === 0 ? (
        <Empty>No sections.</Empty>
      ) : (
        <ul>
          {sections.items.map((s) => (
            <li key={s.id}>
              {s.name} <code className="muted small">{s.id}</code>
            </li>
          ))}
        </ul>
      )}
      {canEdit && <NameForm label="Add section" busy={create.isPending} onCreate={(name) => create.mutate(name)} />}
      {create.error && <ErrorView error={create.error} />}
    </section>
  );
}
