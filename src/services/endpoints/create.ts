import type { CheckType, EndpointAssignment, MonitoredEndpoint } from '../../domain/endpoint.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { newEvent } from '../events/new-event.ts';
import { newId } from '../ids.ts';
import { checkEndpointShape, normaliseAssignment, requireAssignmentTargets } from './rules.ts';

export interface CreateEndpointInput {
  name: string;
  address: string;
  checkType: CheckType;
  port?: number | null;
  intervalSec?: number;
  timeoutSec?: number;
  tags?: string[];
  enabled?: boolean;
  assignment?: Partial<EndpointAssignment>;
}

/** Creates a managed endpoint of the caller's tenant at version 1, after checking its shape and assignment targets. */
export async function createEndpoint({ ctx, input }: { ctx: ServiceContext; input: CreateEndpointInput }): Promise<MonitoredEndpoint> {
  const { tenantId } = requireOperator(ctx);
  const now = ctx.now();
  const endpoint: MonitoredEndpoint = {
    id: newId(),
    tenantId,
    name: input.name,
    address: input.address,
    checkType: input.checkType,
    port: input.port ?? null,
    intervalSec: input.intervalSec ?? 60,
    timeoutSec: input.timeoutSec ?? 5,
    tags: [...new Set(input.tags ?? [])],
    enabled: input.enabled ?? true,
    assignment: normaliseAssignment(input.assignment),
    origin: 'managed',
    reportedBy: null,
    linkedEndpointId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  checkEndpointShape(endpoint);
  await requireAssignmentTargets(ctx, tenantId, endpoint.assignment);
  const audit = auditEntry(ctx, { tenantId, action: 'endpoint.create', resourceType: 'endpoint', resourceId: endpoint.id, after: snapshot(endpoint) });
  const event = newEvent(ctx, { tenantId, type: 'endpoint_created', resourceType: 'endpoint', resourceId: endpoint.id, data: { name: endpoint.name, version: 1 } });
  await ctx.repos.endpoints.create(endpoint, { audit, events: [event] });
  ctx.log.info({ endpointId: endpoint.id }, 'endpoint created');
  return endpoint;
}
