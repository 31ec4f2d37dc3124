/** Operators list an endpoint's check results one by one, newest first: what each check saw (probes, hops, errors). */
import type { CheckResultRow } from '../../domain/check-result.ts';
import { decodeSortedCursor, encodeSortedCursor } from '../../domain/cursor.ts';
import type { QueryOf } from '../../operation-types.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { ValidationError } from '../errors.ts';
import { pageSize } from '../paging.ts';
import { resultEndpointIds } from './read.ts';

/** The sort a results cursor is issued under (there is one: newest first). */
const CURSOR_SORT = '-checkedAt';
/** Without `to`, no upper bound: results an agent's clock put a little ahead are listed too. */
const NO_UPPER_BOUND = new Date('9999-12-31T00:00:00Z');

export interface ResultPage {
  /** Results with the endpoint id asked for (the reported one is in each row). */
  items: CheckResultRow[];
  endpointId: string;
  nextCursor: string | null;
}

export async function listResults({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listResults'> }): Promise<ResultPage> {
  const { tenantId } = requireOperator(ctx);
  const from = input.from ? new Date(input.from) : new Date(0);
  const to = input.to ? new Date(input.to) : NO_UPPER_BOUND;
  if (from.getTime() >= to.getTime()) throw new ValidationError('from must be before to', [{ path: 'query/from', message: 'not before to' }]);
  let after: { ts: Date; id: string } | undefined;
  if (input.cursor !== undefined) {
    const decoded = decodeSortedCursor(input.cursor, CURSOR_SORT);
    if (!decoded || !(decoded.value instanceof Date)) throw new ValidationError('cursor is not valid', [{ path: 'query/cursor', message: 'not a results cursor issued by this server' }]);
    after = { ts: decoded.value, id: decoded.id };
  }
  const limit = pageSize(input.limit);
  const endpointIds = await resultEndpointIds(ctx, tenantId, input.endpointId);
  // One more than the page tells whether another page follows.
  const rows = await ctx.repos.results.list({ tenantId, endpointIds, agentId: input.agentId, reachable: input.reachable, from, to, after, limit: limit + 1 });
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, endpointId: input.endpointId, nextCursor: more && last ? encodeSortedCursor(CURSOR_SORT, last.ts, last.id) : null };
}
