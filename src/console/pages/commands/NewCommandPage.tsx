/** A new command: its type's form, targets with a preview, TTL and rollout. */
import { useMutation } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api, data, type Schemas } from '../../api/client';
import { useSections } from '../../api/lookups';
import { ErrorView } from '../../ui/states';
import { type CommandType, EMPTY_PAYLOAD, type PayloadDraft, PayloadFields } from './PayloadFields';
import { type Target, TargetPreview, targetsOf } from './TargetPreview';

function bodyOf(type: CommandType, p: PayloadDraft, targets: Schemas['CommandTargets'], ttlSec: number, rollout: Schemas['CommandRollout'] | undefined): Schemas['CommandCreate'] {
  if (type === 'run_command') {
    const args = p.args.split(' ').filter(Boolean);
    return { type, payload: { cmd: p.cmd, args, shell: p.shell, timeoutSec: p.timeoutSec }, targets, ttlSec, rollout };
  }
  if (type === 'rotate_key') return { type, targets, ttlSec, rollout };
  if (type === 'update_agent') return { type, payload: { version: p.version, url: p.url, sha256: p.sha256 }, targets, ttlSec, rollout };
  return { type, payload: { name: p.name, action: p.action, version: p.version || undefined }, targets, ttlSec, rollout };
}

export function NewCommandPage() {
  const search = useSearch({ from: '/commands/new' });
  const navigate = useNavigate();
  const sections = useSections();
  const preset = search.agentIds?.split(',').filter(Boolean) ?? [];
  const [type, setType] = useState<CommandType>('run_command');
  const [payload, setPayload] = useState(EMPTY_PAYLOAD);
  const [target, setTarget] = useState<Target>(preset.length > 0 ? { kind: 'agents', agentIds: preset } : { kind: 'tags', tags: [] });
  const [ttlSec, setTtl] = useState(3600);
  const [concurrency, setConcurrency] = useState('');
  const send = useMutation({
    mutationFn: () => {
      const rollout = concurrency ? { maxConcurrency: concurrency.endsWith('%') ? concurrency : Number(concurrency) } : undefined;
      return data(api.POST('/api/v1/commands', { body: bodyOf(type, payload, targetsOf(target), ttlSec, rollout) }));
    },
    onSuccess: (created) => navigate({ to: '/commands/$commandId', params: { commandId: created.command.id } }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  return (
    <>
      <h1>New command</h1>
      <form className="stack narrow" onSubmit={submit}>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value as CommandType)}>
            <option value="run_command">Run a command</option>
            <option value="update_agent">Update the agent</option>
            <option value="update_package">Install, remove or upgrade a package</option>
            <option value="rotate_key">Rotate the agent key</option>
          </select>
        </label>
        <PayloadFields type={type} value={payload} onChange={setPayload} />
        <fieldset>
          <legend>Targets</legend>
          <label>
            By
            <select
              value={target.kind}
              onChange={(e) => setTarget(e.target.value === 'section' ? { kind: 'section', sectionId: '' } : e.target.value === 'tags' ? { kind: 'tags', tags: [] } : { kind: 'agents', agentIds: preset })}
            >
              {preset.length > 0 && <option value="agents">selected agents</option>}
              <option value="tags">tags</option>
              <option value="section">section</option>
            </select>
          </label>
          {target.kind === 'tags' && (
            <label>
              Tags (comma-separated)
              <input
                value={target.tags.join(',')}
                onChange={(e) =>
                  setTarget({
                    kind: 'tags',
                    tags: e.target.value
                      .split(',')
                      .map((t) => t.trim())
                      .filter(Boolean),
                  })
                }
              />
            </label>
          )}
          {target.kind === 'section' && (
            <label>
              Section
              <select value={target.sectionId} onChange={(e) => setTarget({ kind: 'section', sectionId: e.target.value })}>
                <option value="">choose…</option>
                {sections.items.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <TargetPreview target={target} type={type} />
        </fieldset>
        <label>
          Time to live (s)
          <input type="number" min={1} value={ttlSec} onChange={(e) => setTtl(Number(e.target.value))} />
        </label>
        <label>
          Rollout: at most this many at once (number or %, optional)
          <input value={concurrency} onChange={(e) => setConcurrency(e.target.value)} placeholder="e.g. 10 or 25%" />
        </label>
        {send.error && <ErrorView error={send.error} />}
        <button type="submit" disabled={send.isPending}>
          Send
        </button>
      </form>
    </>
  );
}
