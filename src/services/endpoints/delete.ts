import { auditEntry, snapshot } from '../audit/entry.ts';
import { checkVersion, VersionConflictError } from '../concurrency.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';

const ATTEMPTS = 3;

/** Deletes an endpoint of the caller's tenant (optionally only at the If-Match version). Its stored results stay. */
export async function deleteEndpoint({ ctx, input }: { ctx: ServiceContext; input: { id: string; ifMatch?: string } }): Promise<void> {
  const { tenantId } = requireOperator(ctx);
  const id = input.id;
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.repos.endpoints.findById(tenantId, id);
    if (!current) throw new NotFoundError('endpoint', input.id);
    checkVersion(current.version, { ifMatch: input.ifMatch });
    const audit = auditEntry(ctx, { tenantId, action: 'endpoint.delete', resourceType: 'endpoint', resourceId: id, before: snapshot(current) });
    const event = newEvent(ctx, { tenantId, type: 'endpoint_deleted', resourceType: 'endpoint', resourceId: id, data: { name: current.name } });
    const outcome = await ctx.repos.endpoints.delete(tenantId, id, current.version, { audit, events: [event] });
    if (outcome.kind === 'done') {
      ctx.log.info({ endpointId: id }, 'endpoint deleted');
      return;
    }
    if (outcome.kind === 'not-found') throw new NotFoundError('endpoint', input.id);
    if (attempt >= ATTEMPTS) throw new VersionConflictError(outcome.currentVersion);
  }
}
