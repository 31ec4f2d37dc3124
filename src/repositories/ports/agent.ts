import type { AgentChanges, AgentFilter, AgentKeyMatch, AgentOrder, AgentRecord, PresenceCount } from '../../domain/agent.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Done, NotFound, VersionConflict } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

export interface HeartbeatWrite {
  id: string;
  at: Date;
  heartbeat: Record<string, unknown>;
  comingOnline: (before: AgentRecord) => WriteEffects;
}

/** Returns records (with key hashes); services strip them (domain/secrets.ts) before handing an agent on. */
export interface AgentRepository {
  findById(tenantId: string, id: string): Promise<AgentRecord | null>;
  /**
   * The agent whose current key — or previous key, still in its grace period at `now` — hashes to this.
   * Only what authentication needs: it runs on every agent request.
   */
  findByKeyHash(keyHash: string, now: Date): Promise<AgentKeyMatch | null>;
  findByHardwareId(tenantId: string, hardwareId: string): Promise<AgentRecord | null>;
  /** In id order, or in `order` (then `page.afterId` is unused: the order carries where to continue). */
  list(tenantId: string, filter: AgentFilter, page: PageRequest, order?: AgentOrder): Promise<Page<AgentRecord>>;
  insert(agent: AgentRecord, effects: WriteEffects): Promise<void>;
  /** Applies changes when the agent is at `expectedVersion` (any version when omitted); bumps the version. */
  update(
    tenantId: string,
    id: string,
    changes: AgentChanges,
    at: Date,
    effects: (before: AgentRecord, after: AgentRecord) => WriteEffects,
    expectedVersion?: number,
  ): Promise<Done<AgentRecord> | NotFound | VersionConflict>;
  delete(tenantId: string, id: string, effects: (before: AgentRecord) => WriteEffects): Promise<Done | NotFound>;
  /**
   * Heartbeat writes (coalesced by the caller), several agents in one commit, each outcome at its index.
   * Online agents' rows are updated in one statement; an offline one is flipped back online with
   * `comingOnline(before)`'s effects ('online').
   */
  recordHeartbeats(beats: readonly HeartbeatWrite[]): Promise<('written' | 'online')[]>;
  saveStatus(id: string, status: Record<string, unknown>, at: Date): Promise<void>;
  /** Marks agents silent since before `cutoff` offline (at most `limit`), with effects per agent. Returns them. */
  markOffline(cutoff: Date, at: Date, limit: number, effects: (agent: AgentRecord) => WriteEffects): Promise<AgentRecord[]>;
  /**
   * Active agents counted by tenant and online flag, for every tenant or only those listed (one grouped
   * query): the presence gauges recount the tenants whose agents changed, never one query per tenant.
   */
  countByPresence(tenantIds?: readonly string[]): Promise<PresenceCount[]>;
}
