import type { MonitoredEndpoint } from '../../domain/endpoint.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { checkVersion, VersionConflictError } from '../concurrency.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';

const ATTEMPTS = 3;

/**
 * Links an agent-local endpoint to a managed endpoint of the same tenant: from then on the agent-local
 * endpoint's results (past and future) count in the managed endpoint's status and reports.
 */
export async function linkEndpoint({ ctx, input }: { ctx: ServiceContext; input: { id: string; targetId: string; version?: number } }): Promise<MonitoredEndpoint> {
  const { tenantId } = requireOperator(ctx);
  const id = input.id;
  const targetId = input.targetId;
  const target = await ctx.repos.endpoints.findById(tenantId, targetId);
  if (!target) throw new NotFoundError('endpoint', input.targetId);
  if (target.origin !== 'managed') throw invalidLink('the link target must be a managed endpoint', 'body/targetId');
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.repos.endpoints.findById(tenantId, id);
    if (!current) throw new NotFoundError('endpoint', input.id);
    if (current.origin !== 'agent_local') throw invalidLink('only agent-local endpoints can be linked', 'path/endpointId');
    checkVersion(current.version, { version: input.version });
    if (current.linkedEndpointId === targetId) return current;
    const next: MonitoredEndpoint = { ...current, linkedEndpointId: targetId, version: current.version + 1, updatedAt: ctx.now() };
    const audit = auditEntry(ctx, { tenantId, action: 'endpoint.link', resourceType: 'endpoint', resourceId: id, before: snapshot(current), after: snapshot(next) });
    const event = newEvent(ctx, { tenantId, type: 'endpoint_updated', resourceType: 'endpoint', resourceId: id, data: { name: next.name, version: next.version, linkedEndpointId: targetId } });
    const outcome = await ctx.repos.endpoints.update(next, current.version, { audit, events: [event] });
    if (outcome.kind === 'done') {
      ctx.log.info({ endpointId: id, targetId }, 'agent-local endpoint linked');
      return next;
    }
    if (outcome.kind === 'not-found') throw new NotFoundError('endpoint', input.id);
    if (attempt >= ATTEMPTS) throw new VersionConflictError(outcome.currentVersion);
  }
}

function invalidLink(message: string, path: string): ValidationError {
  return new ValidationError(message, [{ path, message }]);
}
