/** Actions on the selected agents: tag, move to a section, delete, or send them a command. */
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data, type Schemas } from '../../api/client';
import { queryClient } from '../../api/query-client';
import { ErrorView } from '../../ui/states';

type Body = { action: 'tag' | 'untag' | 'move' | 'delete'; tags?: string[]; sectionId?: string | null };

export function BulkBar({ selected, sections, onDone }: { selected: string[]; sections: Schemas['Section'][]; onDone: () => void }) {
  const navigate = useNavigate();
  const [tag, setTag] = useState('');
  const [section, setSection] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const bulk = useMutation({
    mutationFn: (body: Body) => {
      setResult(null);
      return data(api.POST('/api/v1/agents/bulk', { body: { ...body, agentIds: selected } }));
    },
    onSuccess: (r) => {
      setResult(`${r.summary.succeeded} done, ${r.summary.failed} failed`);
      void queryClient.invalidateQueries({ queryKey: ['agents'] });
      onDone();
    },
  });
  // After an action the selection is cleared; its outcome stays in view until the next selection.
  if (selected.length === 0) return result ? <p role="status">{result}</p> : null;
  return (
    <section className="bulk" aria-label="Bulk actions">
      <strong>{selected.length} selected</strong>
      <label>
        Tag
        <input value={tag} onChange={(e) => setTag(e.target.value)} />
      </label>
      <button type="button" disabled={!tag} onClick={() => bulk.mutate({ action: 'tag', tags: [tag] })}>
        Add tag
      </button>
      <label>
        Move to
        <select value={section} onChange={(e) => setSection(e.target.value)}>
          <option value="">no section</option>
          {sections.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => bulk.mutate({ action: 'move', sectionId: section || null })}>
        Move
      </button>
      <button type="button" onClick={() => navigate({ to: '/commands/new', search: { agentIds: selected.join(',') } })}>
        Send command
      </button>
      <button type="button" className="danger" onClick={() => window.confirm(`Delete ${selected.length} agents?`) && bulk.mutate({ action: 'delete' })}>
        Delete
      </button>
      {result && <span role="status">{result}</span>}
      {bulk.error && <ErrorView error={bulk.error} />}
    </section>
  );
}
