/**
 * Verified agent keys kept in memory, for the operations that opt in (`x-agent-key-cache`: the agent's
 * configuration read, so that a 304 costs no query). Everything that can invalidate a key (rotation,
 * revocation, re-enrolment, deletion) emits an event; the event feed tells every instance and the tenant's
 * keys are dropped. Entries also expire after `maxAgeMs`, a bound should a fan-out message be lost.
 */
import type { AuthenticatedAgent } from './agent-authenticator.ts';

interface Entry {
  agent: AuthenticatedAgent;
  expiresAt: number;
}

export class AgentKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byTenant = new Map<string, Set<string>>();
  private invalidations = 0;
  private readonly maxAgeMs: number;

  constructor(maxAgeMs: number) {
    this.maxAgeMs = maxAgeMs;
  }

  get(keyHash: string, now = Date.now()): AuthenticatedAgent | undefined {
    const entry = this.entries.get(keyHash);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > now) return entry.agent;
    this.entries.delete(keyHash);
    this.byTenant.get(entry.agent.principal.tenantId)?.delete(keyHash);
    return undefined;
  }

  /** Read before verifying a key (whose tenant is not known yet); pass it to `store`. */
  generation(): number {
    return this.invalidations;
  }

  /** Keeps a key verified against the database, unless anything was invalidated since `generation`. */
  store(keyHash: string, agent: AuthenticatedAgent, generation: number, validUntil: number): void {
    const tenantId = agent.principal.tenantId;
    if (this.invalidations !== generation) return;
    this.entries.set(keyHash, { agent, expiresAt: Math.min(validUntil, Date.now() + this.maxAgeMs) });
    let set = this.byTenant.get(tenantId);
    if (!set) {
      set = new Set();
      this.byTenant.set(tenantId, set);
    }
    set.add(keyHash);
  }

  invalidateTenant(tenantId: string): void {
    this.invalidations++;
    const set = this.byTenant.get(tenantId);
    if (!set) return;
    for (const hash of set) this.entries.delete(hash);
    this.byTenant.delete(tenantId);
  }
}
