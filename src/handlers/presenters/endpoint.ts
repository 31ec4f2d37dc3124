/** Monitored endpoints → the contract's Endpoint (dates as RFC 3339 UTC). */
import type { MonitoredEndpoint } from '../../domain/endpoint.ts';

export function presentEndpoint(e: MonitoredEndpoint) {
  return {
    id: e.id,
    tenantId: e.tenantId,
    name: e.name,
    address: e.address,
    checkType: e.checkType,
    port: e.port,
    intervalSec: e.intervalSec,
    timeoutSec: e.timeoutSec,
    tags: e.tags,
    enabled: e.enabled,
    assignment: { agentIds: e.assignment.agentIds, sectionId: e.assignment.sectionId, tags: e.assignment.tags },
    origin: e.origin,
    reportedBy: e.reportedBy,
    linkedEndpointId: e.linkedEndpointId,
    version: e.version,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
