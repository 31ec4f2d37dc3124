/**
 * Enrollment with a secret (Fleet-style): the agent gets its id and key at once. A `hardwareId` already
 * enrolled in the tenant re-issues that agent's key (and reactivates it) instead of creating a duplicate.
 */
import type { BodyOf } from '../../operation-types.ts';
import type { AgentRecord } from '../../domain/agent.ts';
import { auditEntry } from '../audit/entry.ts';
import type { ServiceContext } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';
import { newEvent } from '../events/new-event.ts';
import { newId } from '../ids.ts';
import { hashSecret, looksLikeSecret, sameHash } from '../secrets.ts';
import { agentSnapshot, issueAgentKey, newAgentRecord, SUPPORTED_CAPABILITIES } from './records.ts';

export type EnrollInput = BodyOf<'enrollAgent'>;

export interface EnrollResult {
  agentId: string;
  apiKey: string;
  acceptedCapabilities: string[];
  reEnrolled: boolean;
}

export async function enrollAgent({ ctx, input }: { ctx: ServiceContext; input: EnrollInput }): Promise<EnrollResult> {
  const now = ctx.now();
  const secret = looksLikeSecret(input.enrollSecret, 'ens') ? await ctx.repos.enrollmentSecrets.findByHash(hashSecret(input.enrollSecret)) : null;
  if (!secret || !sameHash(secret.secretHash, hashSecret(input.enrollSecret)) || secret.revokedAt || (secret.expiresAt && secret.expiresAt <= now)) {
    throw new UnauthorizedError('the enrollment secret is not valid');
  }
  void ctx.repos.enrollmentSecrets.touchLastUsed(secret.id, now).catch((err: unknown) => ctx.log.warn({ err }, 'could not record enrollment secret use'));
  const acceptedCapabilities = (input.capabilities ?? []).filter((c) => (SUPPORTED_CAPABILITIES as readonly string[]).includes(c));
  const { key, keyHash, keyPrefix } = issueAgentKey();
  const tenantId = secret.tenantId;
  const existing = input.hardwareId ? await ctx.repos.agents.findByHardwareId(tenantId, input.hardwareId) : null;
  const facts = { hostname: input.hostname, os: input.os, arch: input.arch, agentVersion: input.agentVersion, capabilities: acceptedCapabilities };

  if (existing) {
    const result = await ctx.repos.agents.update(tenantId, existing.id, { ...facts, keyHash, keyPrefix, previousKeyHash: null, previousKeyExpiresAt: null, status: 'active' }, now, (before, after) => ({
      audit: auditEntry(ctx, { tenantId, action: 'agent.re_enroll', resourceType: 'agent', resourceId: existing.id, before: agentSnapshot(before), after: agentSnapshot(after) }),
      events: [newEvent(ctx, { tenantId, type: 'key_rotated', resourceType: 'agent', resourceId: existing.id, data: { reason: 're_enroll' } })],
    }));
    if (result.kind === 'done') return { agentId: existing.id, apiKey: key, acceptedCapabilities, reEnrolled: true };
  }
  const agent: AgentRecord = newAgentRecord(
    { id: newId(), tenantId, sectionId: secret.sectionId, name: input.hostname, ...facts, hardwareId: input.hardwareId ?? null, tags: input.tags ?? [], enrolledVia: 'secret', keyHash, keyPrefix },
    now,
  );
  await ctx.repos.agents.insert(agent, {
    audit: auditEntry(ctx, { tenantId, action: 'agent.enroll', resourceType: 'agent', resourceId: agent.id, after: { ...agentSnapshot(agent), enrollSecretId: secret.id } }),
    events: [newEvent(ctx, { tenantId, type: 'agent_registered', resourceType: 'agent', resourceId: agent.id, data: { hostname: agent.hostname, via: 'secret' } })],
  });
  ctx.log.info({ agentId: agent.id, tenantId }, 'agent enrolled');
  return { agentId: agent.id, apiKey: key, acceptedCapabilities, reEnrolled: false };
}
