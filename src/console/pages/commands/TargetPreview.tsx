/**
 * Which agents a command's targets resolve to, before sending: the server resolves them exactly as sending
 * would (`POST /api/v1/commands/preview`), every tag included, and says which agents it would skip and why.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../../api/client';
import { useDebounced } from '../../ui/debounce';
import { ErrorView, Loading } from '../../ui/states';
import type { CommandType } from './PayloadFields';

export type Target = { kind: 'agents'; agentIds: string[] } | { kind: 'section'; sectionId: string } | { kind: 'tags'; tags: string[] };

/** How many agents of each side the preview names (the counts are always complete). */
const NAMED = 20;
/** Typing tags settles before the server is asked. */
const DEBOUNCE_MS = 300;

export function targetsOf(t: Target): Schemas['CommandTargets'] {
  if (t.kind === 'agents') return { agentIds: t.agentIds };
  if (t.kind === 'section') return { sectionId: t.sectionId };
  return { tags: t.tags };
}

const chosen = (t: Target) => (t.kind === 'agents' ? t.agentIds.length > 0 : t.kind === 'section' ? t.sectionId !== '' : t.tags.length > 0);

/** The named agents, offline ones marked, and an ellipsis when there are more. */
const names = (agents: { hostname: string; online: boolean }[], total: number) => `${agents.map((a) => (a.online ? a.hostname : `${a.hostname} (offline)`)).join(', ')}${total > agents.length ? ', …' : ''}`;

export function TargetPreview({ target, type }: { target: Target; type: CommandType }) {
  const settled = useDebounced({ target, type }, DEBOUNCE_MS);
  const preview = useQuery({
    queryKey: ['commands', 'preview', settled],
    enabled: chosen(settled.target),
    queryFn: () => data(api.POST('/api/v1/commands/preview', { params: { query: { limit: NAMED } }, body: { type: settled.type, targets: targetsOf(settled.target) } })),
    placeholderData: keepPreviousData,
  });
  if (!chosen(target)) return <p className="muted">Choose a target.</p>;
  if (preview.error) return <ErrorView error={preview.error} />;
  if (!preview.data) return <Loading what="Resolving targets" />;
  const { total, runnable, agents, skipped } = preview.data;
  const skippedCount = total - runnable;
  return (
    <div role="status" className="preview" aria-busy={preview.isFetching}>
      <p>
        {total} agents resolve now, {runnable} can run it. Offline ones run it when they next poll, unless it expires.
      </p>
      {agents.length > 0 && <p className="muted small">{names(agents, runnable)}</p>}
      <p className="muted small">{skippedCount === 0 ? 'All of them can run this type.' : `${skippedCount} will be skipped (they cannot run ${type}): ${names(skipped, skippedCount)}`}</p>
    </div>
  );
}
