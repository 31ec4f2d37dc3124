/** Which agents a target resolves to, before sending: the agents the same filter lists now. */
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { Loading } from '../../ui/states';

export type Target = { kind: 'agents'; agentIds: string[] } | { kind: 'section'; sectionId: string } | { kind: 'tags'; tags: string[] };

export function TargetPreview({ target }: { target: Target }) {
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
      <p className="muted small">Agents that cannot run the type are listed as skipped once it is sent.</p>
    </div>
  );
}
