/** A stored check result → the contract's CheckResult (`endpointId` is the one asked for; the agent's own is `reportedEndpointId`). */
import type { CheckResultRow } from '../../domain/check-result.ts';

export function presentCheckResult(r: CheckResultRow, endpointId: string) {
  return {
    id: r.id,
    agentId: r.agentId,
    endpointId,
    reportedEndpointId: r.endpointId,
    checkType: r.checkType,
    checkedAt: r.ts.toISOString(),
    reachable: r.reachable,
    latencyMs: r.latencyMs,
    result: r.result,
    receivedAt: r.receivedAt.toISOString(),
  };
}
