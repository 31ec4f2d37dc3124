/** Shared pieces of the agent services (not verbs): a new agent row, key issuing, snapshots and change effects for audit and events. */
import { auditEntry, snapshot } from '../audit/entry.ts';
import type { ServiceContext } from '../context.ts';
import { newEvent } from '../events/new-event.ts';
import type { Agent, AgentRecord } from '../../domain/agent.ts';
import { publicAgent } from '../../domain/secrets.ts';
import { displayPrefix, generateSecret, hashSecret } from '../secrets.ts';

export type NewAgentFields = Pick<AgentRecord, 'id' | 'tenantId' | 'sectionId' | 'name' | 'hostname' | 'enrolledVia'> & Partial<AgentRecord>;

export function newAgentRecord(fields: NewAgentFields, now: Date): AgentRecord {
  return {
    os: null,
    arch: null,
    agentVersion: null,
    hardwareId: null,
    capabilities: [],
    tags: [],
    ipAddresses: null,
    status: 'active',
    keyHash: null,
    keyPrefix: null,
    previousKeyHash: null,
    previousKeyExpiresAt: null,
    online: false,
    lastSeenAt: null,
    onlineChangedAt: null,
    latestHeartbeat: null,
    latestStatus: null,
    statusReportedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

/** A fresh agent key: the secret for the agent, hash and prefix for storage. */
export function issueAgentKey(): { key: string; keyHash: string; keyPrefix: string } {
  const key = generateSecret('agk');
  return { key, keyHash: hashSecret(key), keyPrefix: displayPrefix(key) };
}

/** Audit/event view of an agent: never key hashes, never heartbeat internals. */
export function agentSnapshot(agent: AgentRecord | Agent): Record<string, unknown> {
  const { latestStatus: _s, ...rest } = 'keyHash' in agent ? publicAgent(agent) : agent;
  return snapshot(rest);
}

/** Capabilities this server understands; enrollment accepts the intersection. */
export const SUPPORTED_CAPABILITIES = ['heartbeat', 'status_report', 'inventory', 'telemetry', 'checks', 'commands', 'run_command', 'update_agent', 'update_package', 'rotate_key', 'configuration'] as const;

/** The audit entry and `agent_updated` event of a change to an agent, written in the change's transaction. */
export function agentChangeEffects(ctx: ServiceContext, action: string) {
  return (before: AgentRecord, after: AgentRecord) => ({
    audit: auditEntry(ctx, { tenantId: after.tenantId, action, resourceType: 'agent', resourceId: after.id, before: agentSnapshot(before), after: agentSnapshot(after) }),
    events: [
      newEvent(ctx, {
        tenantId: after.tenantId,
        type: 'agent_updated',
        resourceType: 'agent',
        resourceId: after.id,
        data: { name: after.name, tags: after.tags, sectionId: after.sectionId, version: after.version },
      }),
    ],
  });
}
