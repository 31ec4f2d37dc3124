/**
 * Verifies agent keys: looked up by hash, the stored hash compared again in constant time; during a
 * rotation the previous key works until its grace period ends. Every agent operation goes through
 * `authenticateCached`, which answers from AgentKeyCache: the event feed drops
 * a tenant's keys on this instance when a key is revoked, rotated, re-enrolled or deleted, and on the other
 * instances through the NATS fan-out, so a revoked key fails on its next request here and promptly there.
 */
import type { Repositories } from '../../repositories/types.ts';
import type { AgentPrincipal } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';
import { hashSecret, looksLikeSecret, sameHash } from '../secrets.ts';
import type { AgentKeyCache } from './agent-key-cache.ts';

export interface AuthenticatedAgent {
  principal: AgentPrincipal;
  /**
   * Presence as last known here: read with the key, then kept current by this instance's heartbeat writes
   * (the object is shared with the key cache, so that heartbeats stay coalesced between lookups).
   */
  online: boolean;
  lastSeenAt: Date | null;
}

export class AgentAuthenticator {
  private readonly repos: Repositories;
  private readonly cache: AgentKeyCache | undefined;

  constructor(repos: Repositories, cache?: AgentKeyCache) {
    this.repos = repos;
    this.cache = cache;
  }

  async authenticate(key: string, now = new Date()): Promise<AuthenticatedAgent> {
    if (!looksLikeSecret(key, 'agk')) throw new UnauthorizedError('not an agent key');
    return (await this.verify(hashSecret(key), now)).agent;
  }

  /** Like authenticate, answered from memory (synchronously) when the key was verified recently. */
  authenticateCached(key: string): AuthenticatedAgent | Promise<AuthenticatedAgent> {
    const cache = this.cache;
    if (!cache) return this.authenticate(key);
    if (!looksLikeSecret(key, 'agk')) throw new UnauthorizedError('not an agent key');
    const hash = hashSecret(key);
    const hit = cache.get(hash);
    if (hit !== undefined) return hit;
    const generation = cache.generation();
    return this.verify(hash, new Date()).then(({ agent, validUntil }) => {
      cache.store(hash, agent, generation, validUntil);
      return agent;
    });
  }

  /** The agent the key belongs to, and until when the key is valid (a previous key's grace period ends). */
  private async verify(hash: string, now: Date): Promise<{ agent: AuthenticatedAgent; validUntil: number }> {
    const agent = await this.repos.agents.findByKeyHash(hash, now);
    if (!agent) throw new UnauthorizedError('unknown or revoked agent key');
    const current = agent.keyHash !== null && sameHash(agent.keyHash, hash);
    const previous = !current && agent.previousKeyHash !== null && sameHash(agent.previousKeyHash, hash) && (agent.previousKeyExpiresAt?.getTime() ?? 0) > now.getTime();
    if ((!current && !previous) || agent.status !== 'active') throw new UnauthorizedError('unknown or revoked agent key');
    return {
      agent: { principal: { type: 'agent', agentId: agent.id, tenantId: agent.tenantId }, online: agent.online, lastSeenAt: agent.lastSeenAt },
      validUntil: current ? Infinity : agent.previousKeyExpiresAt!.getTime(),
    };
  }
}
