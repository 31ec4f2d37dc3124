/**
 * Compiles an agent's effective configuration: its applicable policies merged over the defaults, rendered
 * into the Smotra-shaped document with its endpoints, hashed, with provenance.
 */
import type { EffectiveConfiguration } from '../../domain/configuration.ts';
import type { Policy } from '../../domain/policy.ts';
import type { ServiceContext } from '../context.ts';
import { DEFAULT_POLICY_BODY, etagOfDocument, renderDocument } from './document.ts';
import { endpointsFor } from './endpoints.ts';
import { mergePolicies, type MergeablePolicy } from './merge.ts';

/** The agent facts a configuration depends on. */
export interface ConfigurationSubject {
  id: string;
  tenantId: string;
  name: string;
  sectionId: string | null;
  tags: readonly string[];
}

/** Whether an (enabled) policy applies to the agent: the same rule as the repository's listApplicable. */
export function appliesTo(p: Pick<Policy, 'enabled' | 'scope' | 'target'>, s: ConfigurationSubject): boolean {
  if (!p.enabled) return false;
  switch (p.scope) {
    case 'tenant':
      return true;
    case 'section':
      return s.sectionId !== null && p.target === s.sectionId;
    case 'tag':
      return p.target !== null && s.tags.includes(p.target);
    case 'agent':
      return p.target === s.id;
  }
}

export async function applicablePolicies(ctx: ServiceContext, subject: ConfigurationSubject): Promise<Policy[]> {
  return ctx.repos.policies.listApplicable(subject.tenantId, { agentId: subject.id, sectionId: subject.sectionId, tags: subject.tags });
}

/** Merges `policies` (already filtered to the agent) and renders the document. */
export async function compileConfiguration(ctx: ServiceContext, subject: ConfigurationSubject, policies: readonly MergeablePolicy[]): Promise<EffectiveConfiguration> {
  const merged = mergePolicies(DEFAULT_POLICY_BODY, policies);
  const selectors = { ids: merged.body.endpoints?.ids ?? [], tags: merged.body.endpoints?.tags ?? [] };
  const endpoints = await endpointsFor(ctx, subject, selectors);
  const configuration = renderDocument(subject, merged.body, endpoints);
  return { agentId: subject.id, etag: etagOfDocument(configuration), configuration, policies: merged.applied, provenance: merged.provenance };
}
