/** Whether a reader's offset is still within the feed: events after it may have been deleted by retention. */
import type { ServiceContext } from '../context.ts';
import { GoneError, ValidationError } from '../errors.ts';

/** 410 when events after `offset` were already deleted by retention; 400 past the end of the feed. */
export async function checkRetained(ctx: ServiceContext, tenantId: string, offset: number): Promise<void> {
  const { oldest, latest } = await ctx.repos.events.bounds(tenantId);
  if (offset > latest) {
    throw new ValidationError(`offset ${offset} is past the end of the feed (latest ${latest})`, [{ path: 'query/offset', message: `must be at most ${latest}` }]);
  }
  const oldestAvailable = oldest ?? latest + 1;
  if (offset < oldestAvailable - 1) {
    throw new GoneError(`events after offset ${offset} are no longer kept; the feed now starts at ${oldestAvailable}`, { oldestOffset: oldestAvailable });
  }
}
