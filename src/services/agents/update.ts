/** Operators edit an agent (name, tags, section) with optimistic concurrency: If-Match (412) or body `version` (409). */
import type { Agent, AgentChanges } from '../../domain/agent.ts';
import { publicAgent } from '../../domain/secrets.ts';
import { checkVersion, VersionConflictError, type Expectation } from '../concurrency.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { agentChangeEffects } from './records.ts';
import { requireSection } from './section-check.ts';

export interface UpdateAgentInput extends Expectation {
  agentId: string;
  changes: Pick<AgentChanges, 'name' | 'tags' | 'sectionId'>;
}

export async function updateAgent({ ctx, input }: { ctx: ServiceContext; input: UpdateAgentInput }): Promise<Agent> {
  const { tenantId } = requireOperator(ctx);
  const current = await ctx.repos.agents.findById(tenantId, input.agentId);
  if (!current) throw new NotFoundError('agent', input.agentId);
  checkVersion(current.version, input);
  if (input.changes.sectionId) await requireSection(ctx, tenantId, input.changes.sectionId);
  // The version read above is the one the write must still find: a concurrent edit in between is a conflict.
  const result = await ctx.repos.agents.update(tenantId, input.agentId, input.changes, ctx.now(), agentChangeEffects(ctx, 'agent.update'), current.version);
  if (result.kind === 'not_found') throw new NotFoundError('agent', input.agentId);
  if (result.kind === 'version_conflict') throw new VersionConflictError(result.currentVersion);
  return publicAgent(result.value);
}
