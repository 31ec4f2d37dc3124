/** Agents and pending Smotra registrations → contract shapes. Key hashes never reach here (`Agent` has none). */
import type { Agent } from '../../domain/agent.ts';
import type { Registration } from '../../domain/registration.ts';
import { iso, type Schema } from './schemas.ts';

export function presentAgent(a: Agent): Schema<'Agent'> {
  return {
    ...a,
    lastSeenAt: iso(a.lastSeenAt),
    statusReportedAt: iso(a.statusReportedAt),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function presentPendingAgent(r: Registration) {
  return { agentId: r.agentId, hostname: r.hostname, agentVersion: r.agentVersion, ipAddresses: r.ipAddresses, registeredAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString() };
}
