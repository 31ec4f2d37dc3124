import { describe, expect, it } from 'vitest';
import type { AgentRecord } from '../../../src/domain/agent.ts';
import { publicAgent, publicEnrollmentSecret, publicToken } from '../../../src/domain/secrets.ts';

const at = new Date('2030-01-01T00:00:00.000Z');

describe('stripping secrets from records (the one place it happens)', () => {
  it('publicToken drops the secret hash and keeps everything else', () => {
    const token = { id: 't', tenantId: 'x', name: 'n', prefix: 'opk_ab', role: 'admin' as const, createdAt: at, lastUsedAt: null, expiresAt: null, revokedAt: null };
    expect(publicToken({ ...token, secretHash: 'h' })).toEqual(token);
  });

  it('publicEnrollmentSecret drops the secret hash and keeps everything else', () => {
    const secret = { id: 's', tenantId: 'x', sectionId: null, name: 'n', prefix: 'ens_ab', createdAt: at, expiresAt: null, revokedAt: null, lastUsedAt: null };
    expect(publicEnrollmentSecret({ ...secret, secretHash: 'h' })).toEqual(secret);
  });

  it('publicAgent drops key hashes and heartbeat internals', () => {
    const record: AgentRecord = {
      id: 'a',
      tenantId: 'x',
      sectionId: null,
      name: 'n',
      hostname: 'h',
      os: null,
      arch: null,
      agentVersion: null,
      hardwareId: null,
      capabilities: [],
      tags: [],
      ipAddresses: null,
      status: 'active',
      enrolledVia: 'secret',
      keyPrefix: 'agk_ab',
      online: false,
      lastSeenAt: null,
      latestStatus: null,
      statusReportedAt: null,
      version: 1,
      createdAt: at,
      updatedAt: at,
      keyHash: 'k',
      previousKeyHash: 'p',
      previousKeyExpiresAt: at,
      latestHeartbeat: {},
      onlineChangedAt: at,
    };
    const agent = publicAgent(record);
    for (const hidden of ['keyHash', 'previousKeyHash', 'previousKeyExpiresAt', 'latestHeartbeat', 'onlineChangedAt']) expect(agent).not.toHaveProperty(hidden);
    expect(agent).toMatchObject({ id: 'a', keyPrefix: 'agk_ab', version: 1 });
  });
});
