/** Operators list the fleet of their tenant, filtered, sorted and paged. */
import type { QueryOf } from '../../operation-types.ts';
import type { Agent, AgentOrder, AgentSortKey } from '../../domain/agent.ts';
import { decodeSortedCursor, encodeCursor, encodeSortedCursor } from '../../domain/cursor.ts';
import { publicAgent } from '../../domain/secrets.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { ValidationError } from '../errors.ts';
import { pageRequest } from '../paging.ts';

/** A page of agents with the cursor of the next one (a sorted list's cursor carries its sort). */
export interface AgentListPage {
  items: Agent[];
  nextCursor: string | null;
}

type Sort = NonNullable<QueryOf<'listAgents'>['sort']>;

export async function listAgents({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listAgents'> }): Promise<AgentListPage> {
  const { tenantId } = requireOperator(ctx);
  const { limit, cursor, sort, ...filter } = input;
  if (!sort) {
    const page = await ctx.repos.agents.list(tenantId, filter, pageRequest({ limit, cursor }));
    return { items: page.items.map(publicAgent), nextCursor: encodeCursor(page.lastId) };
  }
  const order = agentOrder(sort, cursor);
  const page = await ctx.repos.agents.list(tenantId, filter, pageRequest({ limit }), order);
  const last = page.lastId ? page.items[page.items.length - 1] : undefined;
  return { items: page.items.map(publicAgent), nextCursor: last ? encodeSortedCursor(sort, last[order.key], last.id) : null };
}

/** The contract's `sort` (a leading `-` is descending) and where its cursor says to continue. */
function agentOrder(sort: Sort, cursor: string | undefined): AgentOrder {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as AgentSortKey; // the contract's enum is exactly these keys, with or without '-'
  if (cursor === undefined) return { key, descending };
  const after = decodeSortedCursor(cursor, sort);
  if (!after) throw new ValidationError('cursor is not valid', [{ path: 'query/cursor', message: `not a cursor issued by this server for sort=${sort}` }]);
  return { key, descending, after };
}
