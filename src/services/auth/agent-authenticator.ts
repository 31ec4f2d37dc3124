/**
 * Verifies agent keys. Looked up by hash on every request, deliberately without a cache: a revoked or
 * rotated-out key must fail on its very next request on every instance. The stored hash is compared again
 * in constant time; during a rotation the previous key works until its grace period ends.
 */
import type { Repositories } from '../../repositories/types.ts';
import type { AgentPrincipal } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';
import { hashSecret, looksLikeSecret, sameHash } from '../secrets.ts';

export interface AuthenticatedAgent {
  principal: AgentPrincipal;
  online: boolean;
  lastSeenAt: Date | null;
}

export class AgentAuthenticator {
  private readonly repos: Repositories;

  constructor(repos: Repositories) {
    this.repos = repos;
  }

  async authenticate(key: string, now = new Date()): Promise<AuthenticatedAgent> {
    if (!looksLikeSecret(key, 'agk')) throw new UnauthorizedError('not an agent key');
    const hash = hashSecret(key);
    const agent = await this.repos.agents.findByKeyHash(hash, now);
    if (!agent) throw new UnauthorizedError('unknown or revoked agent key');
    const current = agent.keyHash !== null && sameHash(agent.keyHash, hash);
    const previous = !current && agent.previousKeyHash !== null && sameHash(agent.previousKeyHash, hash) && (agent.previousKeyExpiresAt?.getTime() ?? 0) > now.getTime();
    if ((!current && !previous) || agent.status !== 'active') throw new UnauthorizedError('unknown or revoked agent key');
    return { principal: { type: 'agent', agentId: agent.id, tenantId: agent.tenantId }, online: agent.online, lastSeenAt: agent.lastSeenAt };
  }
}
