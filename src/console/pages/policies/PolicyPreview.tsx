/**
 * Validates the draft against the contract (the server's request validator, through previewPolicy) while
 * it is edited, and shows the chosen agent's effective configuration with the draft applied.
 */
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import { ApiError, api, data, type Schemas } from '../../api/client';
import { ErrorView, Loading } from '../../ui/states';
import { EffectiveConfig } from './EffectiveConfig';

export function usePreview(agentId: string, policyId: string | undefined, policy: Schemas['PolicyCreate'] | null) {
  const deferred = useDeferredValue(policy);
  return useQuery({
    queryKey: ['effective', 'preview', agentId, policyId, deferred],
    enabled: agentId !== '' && deferred !== null,
    retry: false,
    queryFn: () => data(api.POST('/api/v1/policies/preview', { body: { agentId, policyId, policy: deferred as Schemas['PolicyCreate'] } })),
  });
}

export function PreviewPanel({ preview }: { preview: ReturnType<typeof usePreview> }) {
  if (preview.error instanceof ApiError && preview.error.status === 400) return <p className="muted">Fix the errors above to see the preview.</p>;
  if (preview.error) return <ErrorView error={preview.error} />;
  if (preview.isFetching && !preview.data) return <Loading what="Previewing" />;
  if (!preview.data) return <p className="muted">Choose an agent to preview its configuration.</p>;
  const p = preview.data;
  return (
    <section aria-label="Preview">
      <h2>Changes for this agent</h2>
      {p.diff.length === 0 ? (
        <p className="muted">No change to this agent's configuration.</p>
      ) : (
        <ul className="diff">
          {p.diff.map((d) => (
            <li key={d.path} className={d.change}>
              <code>{d.path}</code> {d.change}
            </li>
          ))}
        </ul>
      )}
      <EffectiveConfig provenance={p.preview.provenance} policies={p.preview.policies} />
    </section>
  );
}
