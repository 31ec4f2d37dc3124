/** Agent query parts shared by both dialects (each passes its own table). */
import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, sql, type Column, type SQL } from 'drizzle-orm';
import { allOf, anyOf } from './conditions.ts';
import type { AgentFilter, AgentOrder, AgentSortKey } from '../../domain/agent.ts';
import type { PageRequest } from '../../domain/paging.ts';
import { likePattern } from './like.ts';
import { ascendingPage, type ListQuery } from './paging.ts';

type KeyMatchColumn = 'id' | 'tenantId' | 'status' | 'online' | 'lastSeenAt' | 'keyHash' | 'previousKeyHash' | 'previousKeyExpiresAt';

/** What agent-key authentication reads: no JSON columns, so nothing to decode on the hot path. */
export function keyMatchColumns<T extends Record<KeyMatchColumn, unknown>>(t: T): Pick<T, KeyMatchColumn> {
  return {
    id: t.id,
    tenantId: t.tenantId,
    status: t.status,
    online: t.online,
    lastSeenAt: t.lastSeenAt,
    keyHash: t.keyHash,
    previousKeyHash: t.previousKeyHash,
    previousKeyExpiresAt: t.previousKeyExpiresAt,
  };
}

/** The agent whose current key, or previous key still in its grace period, hashes to the `hash` placeholder (at `now`). */
export function keyHashMatches(t: Record<'keyHash' | 'previousKeyHash' | 'previousKeyExpiresAt', Column>): SQL {
  return anyOf(eq(t.keyHash, sql.placeholder('hash')), allOf(eq(t.previousKeyHash, sql.placeholder('hash')), gt(t.previousKeyExpiresAt, sql.placeholder('now'))));
}

/** The tenant's agent with this hardware id (re-enrollment of the same machine). */
export function withHardwareId(t: Record<'tenantId' | 'hardwareId', Column>, tenantId: string, hardwareId: string): SQL {
  return allOf(eq(t.tenantId, tenantId), eq(t.hardwareId, hardwareId));
}

type ListColumn = 'id' | 'tenantId' | 'status' | 'online' | 'os' | 'sectionId' | 'hostname' | 'name' | 'lastSeenAt';

/** Sort columns that may be null: their null rows come last whichever the direction. */
const NULLABLE: ReadonlySet<AgentSortKey> = new Set(['os', 'lastSeenAt']);

/**
 * The tenant's agents matching the filter, oldest first, or in `order` with the id breaking ties. Whether an
 * agent has a tag is a JSON query each dialect writes its own way (`hasTag`).
 */
export function agentList(t: Record<ListColumn, Column>, tenantId: string, filter: AgentFilter, page: PageRequest, hasTag: (tag: string) => SQL, order?: AgentOrder): ListQuery {
  const q = filter.q ? likePattern(filter.q.toLowerCase()) : undefined;
  const where = and(
    eq(t.tenantId, tenantId),
    filter.status ? eq(t.status, filter.status) : undefined,
    filter.online !== undefined ? eq(t.online, filter.online) : undefined,
    filter.os ? eq(t.os, filter.os) : undefined,
    filter.sectionId ? eq(t.sectionId, filter.sectionId) : undefined,
    filter.tag ? hasTag(filter.tag) : undefined,
    q ? sql`(lower(${t.hostname}) like ${q} escape '\\' or lower(${t.name}) like ${q} escape '\\')` : undefined,
  );
  return order ? orderedPage(t, order, page.limit, where) : ascendingPage(t.id, page, where);
}

/**
 * Keyset paging on (nulls last, column, id). Rows after the cursor's row: a greater (or, descending, smaller)
 * value, the same value with a greater id, or a null value, which sorts after every value; after a null
 * value only nulls with a greater id remain.
 */
function orderedPage(t: Record<ListColumn, Column>, order: AgentOrder, limit: number, filter: SQL | undefined): ListQuery {
  const column = t[order.key];
  const nullable = NULLABLE.has(order.key);
  const beyond = order.descending ? lt : gt;
  const after = order.after;
  let cursor: SQL | undefined;
  if (after && after.value === null) cursor = allOf(isNull(column), gt(t.id, after.id));
  else if (after) cursor = anyOf(beyond(column, after.value), allOf(eq(column, after.value), gt(t.id, after.id)), nullable ? isNull(column) : undefined);
  const orderBy = sql.join(
    [nullable ? sql`(${column} is null)` : undefined, order.descending ? desc(column) : asc(column), asc(t.id)].filter((part) => part !== undefined),
    sql`, `,
  );
  return { where: and(filter, cursor), orderBy, limit: limit + 1 };
}

/** Online agents not heard from since before `cutoff`: the offline sweep's candidates. */
export function silentSince(t: Record<'online' | 'lastSeenAt', Column>, cutoff: Date): SQL {
  return allOf(eq(t.online, true), isNotNull(t.lastSeenAt), lt(t.lastSeenAt, cutoff));
}

/** Columns of the presence count: tenant, online flag and how many agents (grouped by the first two). */
export function presenceColumns<T extends Record<'tenantId' | 'online', unknown>>(t: T): Pick<T, 'tenantId' | 'online'> & { agents: SQL<number> } {
  return { tenantId: t.tenantId, online: t.online, agents: count() };
}

/** Active agents, of the listed tenants only when a list is given. */
export function activeAgentsOf(t: Record<'tenantId' | 'status', Column>, tenantIds?: readonly string[]): SQL {
  return allOf(eq(t.status, 'active'), tenantIds ? inArray(t.tenantId, [...tenantIds]) : undefined);
}
