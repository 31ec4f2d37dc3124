/** Which agents a command's targets select, written once for both dialects. */
import { and, eq, inArray, sql, type Column, type SQL } from 'drizzle-orm';
import type { CommandTargets } from '../../domain/command.ts';
import { anyOf } from './conditions.ts';

type AgentColumns = { tenantId: Column; id: Column; sectionId: Column; tags: Column; status: Column };

/** What resolving targets reads of each agent (domain `TargetAgent`). */
export function targetAgentColumns<T extends Record<'id' | 'hostname' | 'name' | 'online' | 'capabilities', unknown>>(a: T): Pick<T, 'id' | 'hostname' | 'name' | 'online' | 'capabilities'> {
  return { id: a.id, hostname: a.hostname, name: a.name, online: a.online, capabilities: a.capabilities };
}

/** The tenant's active agents named by id, in the section, or carrying any of the tags. */
export function targetAgentsWhere(a: AgentColumns, tenantId: string, targets: CommandTargets, hasTag: (tags: Column, tag: string) => SQL): SQL | undefined {
  const [firstTag, ...otherTags] = targets.tags ?? [];
  const selector = targets.agentIds
    ? inArray(a.id, targets.agentIds)
    : targets.sectionId
      ? eq(a.sectionId, targets.sectionId)
      : firstTag !== undefined
        ? anyOf(hasTag(a.tags, firstTag), ...otherTags.map((t) => hasTag(a.tags, t)))
        : undefined;
  // No selector selects nothing (the contract requires one; this keeps a missing one from meaning "all").
  if (!selector) return sql`1 = 0`;
  return and(eq(a.tenantId, tenantId), eq(a.status, 'active'), selector);
}
