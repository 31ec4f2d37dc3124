import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, api, data, type Schemas } from '../../api/client';
import { queryClient } from '../../api/query-client';
import { ErrorView } from '../../ui/states';
import { ConflictNotice } from './ConflictNotice';
import { type Draft, draftOf, fieldErrors, NEW_DRAFT, toPolicy } from './draft';
import { PreviewPanel, usePreview } from './PolicyPreview';

const Errors = ({ id, list }: { id: string; list: string[] | undefined }) =>
  list && list.length > 0 ? (
    <ul className="field-errors" id={id}>
      {list.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  ) : null;

export function PolicyEditor({ policy }: { policy?: Schemas['Policy'] }) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(policy ? draftOf(policy) : NEW_DRAFT);
  const [version, setVersion] = useState(policy?.version);
  const agents = useQuery({ queryKey: ['agents', 'for-preview'], queryFn: () => data(api.GET('/api/v1/agents', { params: { query: { limit: 100 } } })) });
  const [agentId, setAgentId] = useState('');
  const chosenAgent = agentId || agents.data?.items[0]?.id || '';
  const parsed = toPolicy(draft);
  const preview = usePreview(chosenAgent, policy?.id, 'policy' in parsed ? parsed.policy : null);
  const previewErrors = preview.error instanceof ApiError ? preview.error.problem.errors : undefined;
  const errors = fieldErrors(previewErrors, 'body/policy');
  const save = useMutation({
    mutationFn: () => {
      if (!('policy' in parsed)) throw new Error(`body is not JSON: ${parsed.syntax}`);
      if (!policy) return data(api.POST('/api/v1/policies', { body: parsed.policy }));
      return data(api.PATCH('/api/v1/policies/{policyId}', { params: { path: { policyId: policy.id } }, body: { ...parsed.policy, version } }));
    },
    onSuccess: (saved) => {
      setVersion(saved.version);
      void queryClient.invalidateQueries({ queryKey: ['policies'] });
      void queryClient.invalidateQueries({ queryKey: ['effective'] });
      if (!policy) void navigate({ to: '/policies/$policyId', params: { policyId: saved.id } });
    },
  });
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <div className="grid2">
      <form className="stack" onSubmit={submit} aria-label="Policy">
        <h1>{policy ? `Policy ${policy.name}` : 'New policy'}</h1>
        <label>
          Name
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} aria-describedby="err-name" required />
        </label>
        <Errors id="err-name" list={errors.get('name')} />
        <label>
          Scope
          <select value={draft.scope} onChange={(e) => set({ scope: e.target.value as Draft['scope'] })}>
            <option>tenant</option>
            <option>section</option>
            <option>tag</option>
            <option>agent</option>
          </select>
        </label>
        {draft.scope !== 'tenant' && (
          <label>
            Target ({draft.scope === 'tag' ? 'tag' : `${draft.scope} id`})
            <input value={draft.target} onChange={(e) => set({ target: e.target.value })} aria-describedby="err-target" />
          </label>
        )}
        <Errors id="err-target" list={errors.get('target')} />
        <label>
          Priority
          <input type="number" value={draft.priority} onChange={(e) => set({ priority: Number(e.target.value) })} aria-describedby="err-priority" />
        </label>
        <Errors id="err-priority" list={errors.get('priority')} />
        <label className="inline">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
        </label>
        <label>
          Body (JSON)
          <textarea rows={14} spellCheck={false} value={draft.bodyText} onChange={(e) => set({ bodyText: e.target.value })} aria-describedby="err-body" aria-invalid={errors.has('body') || 'syntax' in parsed} />
        </label>
        <Errors id="err-body" list={'syntax' in parsed ? [`not JSON: ${parsed.syntax}`] : errors.get('body')} />
        {conflict && (
          <ConflictNotice
            policyId={policy?.id ?? ''}
            onTakeTheirs={(p) => {
              setDraft(draftOf(p));
              setVersion(p.version);
              save.reset();
            }}
            onKeepMine={(v) => {
              setVersion(v);
              save.reset();
            }}
          />
        )}
        {save.error && !conflict && <ErrorView error={save.error} />}
        {save.isSuccess && <p role="status">Saved (version {version}).</p>}
        <button type="submit" disabled={save.isPending || errors.size > 0 || 'syntax' in parsed}>
          Save
        </button>
      </form>
      <div>
        <label>
          Preview for agent
          <select value={chosenAgent} onChange={(e) => setAgentId(e.target.value)}>
            {agents.data?.items.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name ?? a.hostname}
              </option>
            ))}
          </select>
        </label>
        <PreviewPanel preview={preview} />
      </div>
    </div>
  );
}
