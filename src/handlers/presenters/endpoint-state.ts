/** An agent's current state for one endpoint → the contract's endpoint-status entry. */
import type { EndpointState } from '../../domain/check-result.ts';

export function presentEndpointState(s: EndpointState) {
  return {
    agentId: s.agentId,
    reportedEndpointId: s.endpointId,
    reachable: s.reachable,
    latencyMs: s.latencyMs,
    lastCheckType: s.checkType,
    lastResultId: s.resultId,
    lastCheckedAt: s.checkedAt.toISOString(),
    changedAt: s.changedAt.toISOString(),
  };
}
