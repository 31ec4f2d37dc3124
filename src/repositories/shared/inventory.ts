/** Inventory query parts shared by both dialects. */
import { and, asc, desc, eq, gt, type Column, type SQL } from 'drizzle-orm';
import { allOf } from './conditions.ts';
import type { PageRequest } from '../../domain/paging.ts';
import type { SoftwareFilter } from '../../domain/inventory.ts';
import { descendingPage, type ListQuery } from './paging.ts';

/** The agent's current snapshot. */
export function snapshotOf(t: Record<'tenantId' | 'agentId', Column>, tenantId: string, agentId: string): SQL {
  return allOf(eq(t.tenantId, tenantId), eq(t.agentId, agentId));
}

/** The agent's inventory changes, newest first. */
export function changeList(t: Record<'id' | 'tenantId' | 'agentId', Column>, tenantId: string, agentId: string, page: PageRequest): ListQuery {
  return descendingPage(t.id, page, snapshotOf(t, tenantId, agentId));
}

type SoftwareColumns = Record<'tenantId' | 'agentId' | 'name' | 'version', Column>;

/** Rows of the package across the tenant's agents (all versions). */
export function packageRows(t: SoftwareColumns, tenantId: string, filter: SoftwareFilter): SQL {
  return allOf(eq(t.tenantId, tenantId), eq(t.name, filter.name));
}

/**
 * Agents that have the package (that version, when given), by agent id: the cursor is an agent id. One
 * row per agent and package (primary key), so a row is an agent.
 */
export function installList(t: SoftwareColumns, tenantId: string, filter: SoftwareFilter, page: PageRequest): ListQuery {
  const where = and(packageRows(t, tenantId, filter), filter.version !== undefined ? eq(t.version, filter.version) : undefined, page.afterId ? gt(t.agentId, page.afterId) : undefined);
  return { where, orderBy: asc(t.agentId), limit: page.limit + 1 };
}

/** Versions by how many agents have them, then by version. */
export const byAgentsThenVersion = (agents: SQL, t: { version: Column }): SQL[] => [desc(agents), asc(t.version)];
