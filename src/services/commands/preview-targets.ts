/** Operators see which agents a command would reach, and which it would skip, before sending it. */
import { canRun, type CommandTargets, type CommandType, type TargetAgent } from '../../domain/command.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { pageSize } from '../paging.ts';
import { CAPABILITY_MISSING } from './records.ts';

export interface TargetPreviewInput {
  type: CommandType;
  targets: CommandTargets;
  limit?: number;
}

export interface TargetPreview {
  total: number;
  runnable: number;
  /** The first `limit` agents that would run it. */
  agents: TargetAgent[];
  /** The first `limit` agents that would be skipped, with the reason the execution would carry. */
  skipped: (TargetAgent & { reason: typeof CAPABILITY_MISSING })[];
}

/**
 * Resolves the targets with the same query and the same skip rule as sending (create.ts, records.ts), and
 * stores nothing. Ids or a section of another tenant are not found, as when sending.
 */
export async function previewCommandTargets({ ctx, input }: { ctx: ServiceContext; input: TargetPreviewInput }): Promise<TargetPreview> {
  const { tenantId } = requireOperator(ctx);
  const resolution = await ctx.repos.commands.resolveTargets(tenantId, input.targets);
  if (resolution.kind === 'unknown') throw new NotFoundError(input.targets.sectionId ? 'section' : 'agent', resolution.ids.join(', '));
  const limit = pageSize(input.limit);
  const runnable = resolution.agents.filter((a) => canRun(a, input.type));
  const skipped = resolution.agents.filter((a) => !canRun(a, input.type));
  return {
    total: resolution.agents.length,
    runnable: runnable.length,
    agents: runnable.slice(0, limit),
    skipped: skipped.slice(0, limit).map((a) => ({ ...a, reason: CAPABILITY_MISSING })),
  };
}
