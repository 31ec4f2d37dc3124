import type { CheckType, EndpointAssignment, MonitoredEndpoint } from '../../domain/endpoint.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { checkVersion, VersionConflictError, type Expectation } from '../concurrency.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { checkEndpointShape, normaliseAssignment, requireAssignmentTargets } from './rules.ts';

export interface UpdateEndpointInput extends Expectation {
  id: string;
  name?: string;
  address?: string;
  checkType?: CheckType;
  port?: number | null;
  intervalSec?: number;
  timeoutSec?: number;
  tags?: string[];
  enabled?: boolean;
  assignment?: Partial<EndpointAssignment>;
}

/** Unconditional changes that lose a race re-read and retry this often before giving up with a conflict. */
const ATTEMPTS = 3;

/**
 * Changes an endpoint of the caller's tenant and increments its version. The caller's expectation
 * (If-Match, body version) is checked against the version read; the write lands only if the endpoint is
 * still at that version, so a concurrent change is never overwritten silently.
 */
export async function updateEndpoint({ ctx, input }: { ctx: ServiceContext; input: UpdateEndpointInput }): Promise<MonitoredEndpoint> {
  const { tenantId } = requireOperator(ctx);
  const id = input.id;
  const assignment = input.assignment === undefined ? undefined : normaliseAssignment(input.assignment);
  if (assignment) await requireAssignmentTargets(ctx, tenantId, assignment);
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.repos.endpoints.findById(tenantId, id);
    if (!current) throw new NotFoundError('endpoint', input.id);
    checkVersion(current.version, input);
    const changed: MonitoredEndpoint = {
      ...current,
      name: input.name ?? current.name,
      address: input.address ?? current.address,
      checkType: input.checkType ?? current.checkType,
      port: input.port === undefined ? current.port : input.port,
      intervalSec: input.intervalSec ?? current.intervalSec,
      timeoutSec: input.timeoutSec ?? current.timeoutSec,
      tags: input.tags ? [...new Set(input.tags)] : current.tags,
      enabled: input.enabled ?? current.enabled,
      assignment: assignment ?? current.assignment,
    };
    if (JSON.stringify(changed) === JSON.stringify(current)) return current;
    checkEndpointShape(changed);
    const next: MonitoredEndpoint = { ...changed, version: current.version + 1, updatedAt: ctx.now() };
    const audit = auditEntry(ctx, { tenantId, action: 'endpoint.update', resourceType: 'endpoint', resourceId: id, before: snapshot(current), after: snapshot(next) });
    const event = newEvent(ctx, { tenantId, type: 'endpoint_updated', resourceType: 'endpoint', resourceId: id, data: { name: next.name, version: next.version } });
    const outcome = await ctx.repos.endpoints.update(next, current.version, { audit, events: [event] });
    if (outcome.kind === 'done') {
      ctx.log.info({ endpointId: id, version: next.version }, 'endpoint updated');
      return next;
    }
    if (outcome.kind === 'not-found') throw new NotFoundError('endpoint', input.id);
    if (attempt >= ATTEMPTS) throw new VersionConflictError(outcome.currentVersion);
  }
}
