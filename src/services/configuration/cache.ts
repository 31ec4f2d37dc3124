/**
 * Compiled configurations kept per agent in memory, so that an agent asking "still the same?" is answered
 * without a database query. Anything a configuration depends on (policies, the agent's section and tags,
 * sections, endpoints) emits an event; the event feed tells every instance (through NATS when configured)
 * and the whole tenant's entries are dropped. A per-tenant generation keeps a compile that raced with an
 * invalidation from storing what it read before the change. Entries also expire after `maxAgeMs`, a bound
 * on staleness should a fan-out message be lost.
 */
import type { AgentConfigurationDocument } from '../../domain/configuration.ts';

export interface CachedConfiguration {
  tenantId: string;
  etag: string;
  document: AgentConfigurationDocument;
  expiresAt: number;
}

export class ConfigurationCache {
  private readonly entries = new Map<string, CachedConfiguration>();
  private readonly byTenant = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  /** Bumped by `invalidateAll`: part of every tenant's generation, both only ever grow. */
  private epoch = 0;
  private readonly maxAgeMs: number;

  constructor(maxAgeMs: number) {
    this.maxAgeMs = maxAgeMs;
  }

  get size(): number {
    return this.entries.size;
  }

  get(agentId: string, now = Date.now()): CachedConfiguration | undefined {
    const entry = this.entries.get(agentId);
    if (entry === undefined || entry.expiresAt > now) return entry;
    this.forget(agentId, entry.tenantId);
    return undefined;
  }

  /** Read before loading what a compile depends on; pass it to `store`. */
  generation(tenantId: string): number {
    return (this.generations.get(tenantId) ?? 0) + this.epoch;
  }

  /** Keeps the compiled document unless the tenant was invalidated since `generation` was read. */
  store(agentId: string, tenantId: string, generation: number, etag: string, document: AgentConfigurationDocument, now = Date.now()): void {
    if (this.generation(tenantId) !== generation) return;
    this.entries.set(agentId, { tenantId, etag, document, expiresAt: now + this.maxAgeMs });
    let set = this.byTenant.get(tenantId);
    if (!set) {
      set = new Set();
      this.byTenant.set(tenantId, set);
    }
    set.add(agentId);
  }

  invalidateTenant(tenantId: string): void {
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
    const set = this.byTenant.get(tenantId);
    if (!set) return;
    for (const agentId of set) this.entries.delete(agentId);
    this.byTenant.delete(tenantId);
  }

  invalidateAll(): void {
    this.epoch++;
    this.entries.clear();
    this.byTenant.clear();
  }

  private forget(agentId: string, tenantId: string): void {
    this.entries.delete(agentId);
    this.byTenant.get(tenantId)?.delete(agentId);
  }
}
