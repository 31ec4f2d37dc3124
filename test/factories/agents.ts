/** Test factories for agents and self-registrations. */
import type { AgentRecord } from '../../src/domain/agent.ts';
import type { NewRegistration } from '../../src/domain/registration.ts';
import { newId } from '../../src/services/ids.ts';
import { generateSecret, hashSecret } from '../../src/services/secrets.ts';
import { issueAgentKey, newAgentRecord } from '../../src/services/agents/records.ts';

export function agentRow(tenantId: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  const id = overrides.id ?? newId();
  const base = { id, tenantId, sectionId: null, name: `agent-${id.slice(-12)}`, hostname: `host-${id.slice(-12)}`, enrolledVia: 'secret' as const };
  return newAgentRecord({ ...base, ...overrides }, overrides.createdAt ?? new Date());
}

/** A fresh agent key: the secret, its stored hash and its display prefix. */
export function agentKey(): { secret: string; keyHash: string; keyPrefix: string } {
  const { key, keyHash, keyPrefix } = issueAgentKey();
  return { secret: key, keyHash, keyPrefix };
}
export function registrationRow(overrides: Partial<NewRegistration> = {}): NewRegistration {
  return {
    agentId: newId(),
    claimTokenHash: hashSecret(generateSecret('agk')),
    hostname: 'smotra-host',
    agentVersion: '1.0.0',
    ipAddresses: ['10.0.0.1'],
    expiresAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}
