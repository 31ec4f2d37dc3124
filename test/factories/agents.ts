/** Test factories for agents and self-registrations. */
import type { AgentRecord, NewRegistration } from '../../src/repositories/types.ts';
import { newId } from '../../src/services/ids.ts';
import { displayPrefix, generateSecret, hashSecret } from '../../src/services/secrets.ts';

export function agentRow(tenantId: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  const id = overrides.id ?? newId();
  const now = new Date();
  return {
    id,
    tenantId,
    sectionId: null,
    name: `agent-${id.slice(-12)}`,
    hostname: `host-${id.slice(-12)}`,
    os: null,
    arch: null,
    agentVersion: null,
    hardwareId: null,
    capabilities: [],
    tags: [],
    ipAddresses: null,
    status: 'active',
    enrolledVia: 'secret',
    keyPrefix: null,
    online: false,
    lastSeenAt: null,
    latestStatus: null,
    statusReportedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    keyHash: null,
    previousKeyHash: null,
    previousKeyExpiresAt: null,
    latestHeartbeat: null,
    onlineChangedAt: null,
    ...overrides,
  };
}

/** A fresh agent key: the secret, its stored hash and its display prefix. */
export function agentKey(): { secret: string; keyHash: string; keyPrefix: string } {
  const secret = generateSecret('agk');
  return { secret, keyHash: hashSecret(secret), keyPrefix: displayPrefix(secret) };
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
