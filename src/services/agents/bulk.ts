/** Bulk actions: each agent is handled on its own, so one failure does not undo the others. */
import type { BodyOf, JsonBodyOf } from '../../operation-types.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { deleteAgent } from './delete.ts';
import { agentChangeEffects } from './records.ts';
import { requireSection } from './section-check.ts';

export type BulkInput = BodyOf<'bulkAgents'>;
export type BulkResult = JsonBodyOf<'bulkAgents', 200>;

export async function bulkAgents({ ctx, input }: { ctx: ServiceContext; input: BulkInput }): Promise<BulkResult> {
  const principal = requireOperator(ctx);
  if (input.action === 'delete' && principal.role !== 'admin' && principal.role !== 'system') throw new ForbiddenError('deleting agents needs the admin role');
  if ((input.action === 'tag' || input.action === 'untag') && !input.tags?.length)
    throw new ValidationError('tags are required for tag and untag', [{ path: 'body/tags', message: 'is required for tag and untag' }]);
  if (input.action === 'move' && input.sectionId === undefined) throw new ValidationError('sectionId is required for move', [{ path: 'body/sectionId', message: 'is required for move (null for no section)' }]);
  if (input.action === 'move' && input.sectionId) await requireSection(ctx, principal.tenantId, input.sectionId);
  const results: BulkResult['results'] = [];
  for (const agentId of input.agentIds) {
    try {
      await applyOne(ctx, principal.tenantId, agentId, input);
      results.push({ agentId, outcome: 'ok' });
    } catch (err) {
      if (err instanceof NotFoundError) results.push({ agentId, outcome: 'not_found' });
      else if (err instanceof DomainError) results.push({ agentId, outcome: 'failed', detail: err.message });
      else {
        ctx.log.error({ err, agentId }, 'bulk action failed for an agent');
        results.push({ agentId, outcome: 'failed', detail: 'internal error' });
      }
    }
  }
  const succeeded = results.filter((r) => r.outcome === 'ok').length;
  return { results, summary: { requested: input.agentIds.length, succeeded, failed: input.agentIds.length - succeeded } };
}

async function applyOne(ctx: ServiceContext, tenantId: string, agentId: string, input: BulkInput): Promise<void> {
  if (input.action === 'delete') return deleteAgent({ ctx, input: { agentId } });
  const current = await ctx.repos.agents.findById(tenantId, agentId);
  if (!current) throw new NotFoundError('agent', agentId);
  const tags = input.action === 'tag' ? [...new Set([...current.tags, ...input.tags!])] : input.action === 'untag' ? current.tags.filter((t) => !input.tags!.includes(t)) : current.tags;
  const changes = input.action === 'move' ? { sectionId: input.sectionId ?? null } : { tags };
  const result = await ctx.repos.agents.update(tenantId, agentId, changes, ctx.now(), agentChangeEffects(ctx, `agent.bulk_${input.action}`));
  if (result.kind === 'not_found') throw new NotFoundError('agent', agentId);
}
