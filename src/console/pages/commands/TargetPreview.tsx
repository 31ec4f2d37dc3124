/** Which agents a target resolves to, before sending: the agents the same filter lists now. */
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { Loading } from '../../ui/states';

export type Target = { kind: 'agents'; agentIds: string[] } | { kind: 'section'; sectionId: string } | { kind: 'tags'; tags: string[] };

export function TargetPreview({ target, type }: { target: Target; type: string }) {
  const query = target.kind === 'section' ? { sectionId: target.sectionId } : target.kind === 'tags' ? { tag: target.tags[0] } : {};
  const preview = useQuery({
    queryKey: ['agents', 'preview', target],
    enabled: target.kind !== 'agents' && (target.kind === 'section' ? target.sectionId !== '' : target.tags.length > 0),
    queryFn: () => data(api.GET('/api/v1/agents', { params: { query: { ...query, status: 'active', limit: 1000 } } })),
  });
  if (target.kind === 'agents') return <p role="status">{target.agentIds.length} agents selected.</p>;
  if (preview.isFetching) return <Loading what="Resolving targets" />;
  if (!preview.data) return <p className="muted">Choose a target.</p>;
  const items = preview.data.items;
  const offline = items.filter((a) => !a.online).length;
  // The server skips agents that did not declare the type among their capabilities; the same rule, shown before sending.
  const skipped = items.filter((a) => !a.capabilities.includes(type));
  return (
    <div role="status" className="preview">
      <p>
        {items.length}
        {preview.data.nextCursor ? '+' : ''} agents resolve now ({offline} offline: they run it when they next poll, unless it expires).
        {target.kind === 'tags' && target.tags.length > 1 && ' Preview lists the first tag only; agents with any of the tags are targeted.'}
      </p>
      <p className="muted small">
        {items
          .slice(0, 20)
          .map((a) => a.hostname)
          .join(', ')}
        {items.length > 20 ? ', …' : ''}
      </p>
      <p className="muted small">
        {skipped.length === 0
          ? 'All of them can run this type.'
          : `${skipped.length} will be skipped (they cannot run ${type}): ${skipped
              .slice(0, 10)
              .map((a) => a.hostname)
              .join(', ')}${skipped.length > 10 ? ', …' : ''}`}
      </p>
    </div>
  );
}
