/**
 * Integer ids kept in memory per agent and name: telemetry series ids by metric and labels, check-result
 * series ids by endpoint. Agents mostly report the same names (metrics, labels, shared endpoints), so each
 * name is held once and numbered, and an agent holds two small integer arrays: ~400 bytes for 10 series,
 * where a Map keyed by agent + name strings took ~1.4 KB (14 MiB of live heap for 10k agents).
 *
 * Bounded: past `max` ids the agents cached longest ago are forgotten, and a name no agent holds any more
 * is forgotten with the last one (names unique to a host, such as a per-host label, come and go with
 * their agent). Only ids known to be committed belong here (the callers' rule).
 */

/** Past this many names an agent's ids are looked up through a hash instead of a scan. */
const SCAN_MAX = 32;

/** One agent's ids: name numbers and ids side by side. */
class AgentIds {
  readonly tenantId: string;
  private readonly names: number[] = [];
  private readonly ids: number[] = [];
  private index: Map<number, number> | undefined;

  constructor(tenantId: string) {
    this.tenantId = tenantId;
  }

  get(name: number): number | undefined {
    if (this.index) return this.index.get(name);
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : this.ids[i];
  }

  /** Returns whether the name is new to this agent. */
  set(name: number, id: number): boolean {
    if (this.index) {
      const added = !this.index.has(name);
      this.index.set(name, id);
      return added;
    }
    const i = this.names.indexOf(name);
    if (i >= 0) {
      this.ids[i] = id;
      return false;
    }
    this.names.push(name);
    this.ids.push(id);
    if (this.names.length > SCAN_MAX) {
      this.index = new Map(this.names.map((n, j) => [n, this.ids[j]!]));
      this.names.length = 0;
      this.ids.length = 0;
    }
    return true;
  }

  get size(): number {
    return this.index ? this.index.size : this.names.length;
  }

  /** The numbers of the names this agent holds. */
  nameNumbers(): Iterable<number> {
    return this.index ? this.index.keys() : this.names;
  }
}

/** What a caller reads of one agent's ids. */
export interface AgentIdsView {
  get(name: string): number | undefined;
}

export class PerAgentIds {
  private readonly nameNumbers = new Map<string, number>();
  /** By name number: the name, and how many agents hold it (a name is forgotten with its last agent). */
  private readonly names: (string | undefined)[] = [];
  private readonly holders: number[] = [];
  /** Numbers of forgotten names, given again to new ones. */
  private readonly freeNumbers: number[] = [];
  /** By agent id (ids are unique across tenants); the entry's tenant is checked on every read. */
  private readonly byAgent = new Map<string, AgentIds>();
  private readonly max: number;
  private size = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** One agent's ids (undefined when none is held), to read several names of it. */
  agent(tenantId: string, agentId: string): AgentIdsView | undefined {
    const ids = this.held(tenantId, agentId);
    return ids && { get: (name) => this.lookup(ids, name) };
  }

  get(tenantId: string, agentId: string, name: string): number | undefined {
    const ids = this.held(tenantId, agentId);
    return ids && this.lookup(ids, name);
  }

  set(tenantId: string, agentId: string, name: string, id: number): void {
    let ids = this.byAgent.get(agentId);
    if (ids === undefined || ids.tenantId !== tenantId) {
      if (ids) this.forget(agentId, ids);
      ids = new AgentIds(tenantId);
      this.byAgent.set(agentId, ids);
    }
    const n = this.number(name);
    if (ids.set(n, id)) {
      this.size++;
      this.holders[n]!++;
    }
    if (this.size <= this.max) return;
    for (const [key, agent] of this.byAgent) {
      if (this.size <= this.max) break;
      this.forget(key, agent);
    }
  }

  /** Ids held (for tests). */
  count(): number {
    return this.size;
  }

  /** Names held (for tests): every one is held by at least one agent. */
  nameCount(): number {
    return this.nameNumbers.size;
  }

  private held(tenantId: string, agentId: string): AgentIds | undefined {
    const ids = this.byAgent.get(agentId);
    return ids?.tenantId === tenantId ? ids : undefined;
  }

  private lookup(ids: AgentIds, name: string): number | undefined {
    const n = this.nameNumbers.get(name);
    return n === undefined ? undefined : ids.get(n);
  }

  /** The number of `name`, numbering it if it is new. */
  private number(name: string): number {
    let n = this.nameNumbers.get(name);
    if (n === undefined) {
      n = this.freeNumbers.pop() ?? this.names.length;
      this.nameNumbers.set(name, n);
      this.names[n] = name;
      this.holders[n] = 0;
    }
    return n;
  }

  private forget(agentId: string, ids: AgentIds): void {
    this.byAgent.delete(agentId);
    this.size -= ids.size;
    for (const n of ids.nameNumbers()) if (--this.holders[n]! === 0) this.release(n);
  }

  private release(n: number): void {
    this.nameNumbers.delete(this.names[n]!);
    this.names[n] = undefined;
    this.freeNumbers.push(n);
  }
}
