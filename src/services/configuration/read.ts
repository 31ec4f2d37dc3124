/**
 * The agent's own read of its configuration. A cached document answers at once, without a promise and
 * without touching the database; a miss compiles it and keeps it for the next request.
 */
import type { AgentConfigurationDocument } from '../../domain/configuration.ts';
import { requireAgent, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import type { ConfigurationCache } from './cache.ts';
import { applicablePolicies, compileConfiguration } from './compile.ts';
import { matchesEtag } from './document.ts';

export type AgentConfigurationAnswer = { kind: 'not-modified'; etag: string } | { kind: 'document'; etag: string; document: AgentConfigurationDocument };

export function readAgentConfiguration({ ctx, input, cache }: { ctx: ServiceContext; input: { ifNoneMatch?: string }; cache: ConfigurationCache }): AgentConfigurationAnswer | Promise<AgentConfigurationAnswer> {
  const { agentId, tenantId } = requireAgent(ctx);
  const cached = cache.get(agentId);
  if (cached !== undefined && cached.tenantId === tenantId) return answer(cached.etag, cached.document, input.ifNoneMatch);
  return compileAndKeep(ctx, agentId, tenantId, cache).then(({ etag, document }) => answer(etag, document, input.ifNoneMatch));
}

function answer(etag: string, document: AgentConfigurationDocument, ifNoneMatch: string | undefined): AgentConfigurationAnswer {
  return matchesEtag(ifNoneMatch, etag) ? { kind: 'not-modified', etag } : { kind: 'document', etag, document };
}

async function compileAndKeep(ctx: ServiceContext, agentId: string, tenantId: string, cache: ConfigurationCache) {
  const generation = cache.generation(tenantId);
  const agent = await ctx.repos.agents.findById(tenantId, agentId);
  if (!agent) throw new NotFoundError('agent', agentId);
  const compiled = await compileConfiguration(ctx, agent, await applicablePolicies(ctx, agent));
  cache.store(agentId, tenantId, generation, compiled.etag, compiled.configuration);
  return { etag: compiled.etag, document: compiled.configuration };
}
