/**
 * When an endpoint turns unreachable or reachable again for an agent, the feed gets an event integrators
 * can alert on. The first result of an agent for an endpoint raises one only when it is unreachable.
 */
import type { EndpointState } from '../../domain/check-result.ts';
import type { NewEvent } from '../../domain/event.ts';

export function reachabilityEvent(previous: EndpointState | null, next: EndpointState, managedEndpointId: string | null): NewEvent | null {
  if (previous ? previous.reachable === next.reachable : next.reachable) return null;
  return {
    tenantId: next.tenantId,
    type: next.reachable ? 'endpoint_reachable' : 'endpoint_unreachable',
    // A linked agent-local endpoint speaks for its managed endpoint.
    resourceType: 'endpoint',
    resourceId: managedEndpointId ?? next.endpointId,
    data: {
      agentId: next.agentId,
      reportedEndpointId: next.endpointId,
      reachable: next.reachable,
      latencyMs: next.latencyMs,
      checkType: next.checkType,
      resultId: next.resultId,
      checkedAt: next.checkedAt.toISOString(),
      previousChangeAt: previous ? previous.changedAt.toISOString() : null,
    },
    createdAt: new Date(),
  };
}
