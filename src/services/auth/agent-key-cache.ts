/**
 * Verified agent keys kept in memory, so that an agent request costs no key lookup. Everything that can
 * invalidate a key (revocation, rotation, re-enrolment, deletion, claim) emits an event in its transaction;
 * the event feed tells this instance at commit and the others through the NATS fan-out, and the tenant's
 * keys are dropped. Entries also expire: after `maxAgeMs` while invalidations are known to reach this
 * instance, after the short `fallbackMs` while they may not (NATS down, or several instances on Postgres
 * without NATS). A reconnection to NATS drops everything, as messages sent meanwhile were lost.
 */
import type { AuthenticatedAgent } from './agent-authenticator.ts';

interface Entry {
  agent: AuthenticatedAgent;
  /** The key's own end (a previous key's grace period), or Infinity. */
  validUntil: number;
  verifiedAt: number;
}

export interface KeyCacheBounds {
  /** Longest an entry is trusted while invalidations reach this instance. */
  maxAgeMs: number;
  /** Longest an entry is trusted while they may not. */
  fallbackMs: number;
  /** Whether every instance's invalidations reach this one now (false: the fallback bound applies). */
  invalidationsArrive: () => boolean;
}

export class AgentKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byTenant = new Map<string, Set<string>>();
  /** Counts invalidations; a tenant remembers the count at its last one, `all` at the last full drop. */
  private sequence = 0;
  private readonly tenantInvalidatedAt = new Map<string, number>();
  private allInvalidatedAt = 0;
  private readonly bounds: KeyCacheBounds;

  constructor(bounds: KeyCacheBounds) {
    this.bounds = bounds;
  }

  get size(): number {
    return this.entries.size;
  }

  get(keyHash: string, now = Date.now()): AuthenticatedAgent | undefined {
    const entry = this.entries.get(keyHash);
    if (entry === undefined) return undefined;
    const maxAge = this.bounds.invalidationsArrive() ? this.bounds.maxAgeMs : this.bounds.fallbackMs;
    if (entry.validUntil > now && now - entry.verifiedAt < maxAge) return entry.agent;
    this.forget(keyHash, entry.agent.principal.tenantId);
    return undefined;
  }

  /** Read before verifying a key (whose tenant is not known yet); pass it to `store`. */
  generation(): number {
    return this.sequence;
  }

  /**
   * Keeps a key verified against the database, unless its tenant (or everything) was invalidated since
   * `generation` was read: that verification may have read the key before the change committed.
   */
  store(keyHash: string, agent: AuthenticatedAgent, generation: number, validUntil: number, now = Date.now()): void {
    const tenantId = agent.principal.tenantId;
    if ((this.tenantInvalidatedAt.get(tenantId) ?? 0) > generation || this.allInvalidatedAt > generation) return;
    this.entries.set(keyHash, { agent, validUntil, verifiedAt: now });
    let set = this.byTenant.get(tenantId);
    if (!set) {
      set = new Set();
      this.byTenant.set(tenantId, set);
    }
    set.add(keyHash);
  }

  invalidateTenant(tenantId: string): void {
    this.tenantInvalidatedAt.set(tenantId, ++this.sequence);
    const set = this.byTenant.get(tenantId);
    if (!set) return;
    for (const hash of set) this.entries.delete(hash);
    this.byTenant.delete(tenantId);
  }

  invalidateAll(): void {
    this.allInvalidatedAt = ++this.sequence;
    // Tenants' marks older than the full drop say nothing more.
    this.tenantInvalidatedAt.clear();
    this.entries.clear();
    this.byTenant.clear();
  }

  private forget(keyHash: string, tenantId: string): void {
    this.entries.delete(keyHash);
    const set = this.byTenant.get(tenantId);
    set?.delete(keyHash);
    if (set?.size === 0) this.byTenant.delete(tenantId);
  }
}
