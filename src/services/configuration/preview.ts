/** What a draft policy would do to one agent's configuration: nothing is written, no event is emitted. */
import type { DocumentChange, EffectiveConfiguration } from '../../domain/configuration.ts';
import type { Policy } from '../../domain/policy.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { CreatePolicyInput } from '../policies/create.ts';
import { normaliseTarget } from '../policies/rules.ts';
import { appliesTo, applicablePolicies, compileConfiguration } from './compile.ts';
import { diffDocuments } from './document.ts';

export interface PreviewPolicyInput {
  agentId: string;
  /** The draft replaces this existing policy; without it the draft is added. */
  policyId?: string;
  policy: CreatePolicyInput;
}

export interface PolicyPreview {
  agentId: string;
  current: EffectiveConfiguration;
  preview: EffectiveConfiguration;
  diff: DocumentChange[];
}

export async function previewPolicy({ ctx, input }: { ctx: ServiceContext; input: PreviewPolicyInput }): Promise<PolicyPreview> {
  const { tenantId } = requireOperator(ctx);
  const agent = await ctx.repos.agents.findById(tenantId, input.agentId);
  if (!agent) throw new NotFoundError('agent', input.agentId);
  if (input.policyId !== undefined && !(await ctx.repos.policies.findById(tenantId, input.policyId))) throw new NotFoundError('policy', input.policyId);
  const draft: Pick<Policy, 'id' | 'name' | 'scope' | 'target' | 'priority' | 'enabled' | 'body'> = {
    // A new draft gets a provisional id, which orders it after existing policies of equal priority, as creating it would.
    id: input.policyId ?? newId(),
    name: input.policy.name,
    scope: input.policy.scope,
    target: normaliseTarget(input.policy.scope, input.policy.target),
    priority: input.policy.priority ?? 0,
    enabled: input.policy.enabled ?? true,
    body: input.policy.body,
  };
  const applicable = await applicablePolicies(ctx, agent);
  const others = applicable.filter((p) => p.id !== input.policyId);
  const current = await compileConfiguration(ctx, agent, applicable);
  const preview = await compileConfiguration(ctx, agent, appliesTo(draft, agent) ? [...others, draft] : others);
  return { agentId: agent.id, current, preview, diff: diffDocuments(current.configuration, preview.configuration) };
}
