/**
 * Series ids for the ingestion write. A series (tenant + agent + metric + labels) is named by an integer in
 * telemetry_series; samples and latest values carry that id. The ids are kept in memory, grouped per agent
 * (an ingested item is one agent's), with a bound on the number of series held.
 *
 * Only ids read or created by a committed transaction are remembered: an id created by a transaction that
 * rolled back does not exist. Series rows are never deleted, so a remembered id stays valid on every instance.
 */
import type { IngestItem } from '../../domain/ingest.ts';
import type { TelemetryRow } from '../../domain/telemetry.ts';

/** Series held in memory by default: 10k agents × 20 series. */
export const SERIES_CACHE_MAX = 200_000;

/** The key of a series within its agent. */
export const seriesName = (s: Pick<TelemetryRow, 'metric' | 'labelsKey'>): string => `${s.metric}\u0000${s.labelsKey}`;

/** A series of the batch that the cache did not know: resolved by the write, remembered after its commit. */
export interface NewSeries {
  tenantId: string;
  agentId: string;
  metric: string;
  labelsKey: string;
  labels: Record<string, string>;
  id?: number;
}

/** Past this many series an agent's numbers are looked up through a hash instead of a scan. */
const SCAN_MAX = 32;

/**
 * One agent's cached series: name numbers and series ids side by side. Agents report a few dozen series,
 * which two small integer arrays hold in ~200 bytes (a Map with its own copies of the name strings took
 * ~1.4 KB per agent, 14 MiB for 10k agents); an agent with more gets a hash.
 */
class AgentSeries {
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

  /** Returns whether the series is new to this agent. */
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
}

/** What a batch reads of one agent's cached series. */
export interface KnownSeries {
  get(name: string): number | undefined;
}

export class SeriesIds {
  /**
   * Every series name cached, numbered: agents mostly report the same metrics and labels, so each name is
   * held once, not once per agent. Bounded with the series: past `max` names everything is forgotten.
   */
  private readonly nameNumbers = new Map<string, number>();
  /** By agent id (ids are unique across tenants); the entry's tenant is checked on every read. */
  private readonly byAgent = new Map<string, AgentSeries>();
  private readonly max: number;
  private size = 0;

  constructor(max = SERIES_CACHE_MAX) {
    this.max = max;
  }

  /** The cached ids of one agent's series (undefined when none is cached). */
  agent(tenantId: string, agentId: string): KnownSeries | undefined {
    const series = this.byAgent.get(agentId);
    if (series === undefined || series.tenantId !== tenantId) return undefined;
    return {
      get: (name) => {
        const n = this.nameNumbers.get(name);
        return n === undefined ? undefined : series.get(n);
      },
    };
  }

  /** Call after the commit of the transaction that read or created these ids. Past the bound, the agents cached longest ago are forgotten. */
  remember(series: Iterable<NewSeries>): void {
    for (const s of series) {
      if (s.id === undefined) continue;
      const name = seriesName(s);
      let n = this.nameNumbers.get(name);
      if (n === undefined) {
        if (this.nameNumbers.size >= this.max) this.forgetAll();
        n = this.nameNumbers.size;
        this.nameNumbers.set(name, n);
      }
      let agent = this.byAgent.get(s.agentId);
      if (agent === undefined || agent.tenantId !== s.tenantId) {
        if (agent) this.size -= agent.size;
        agent = new AgentSeries(s.tenantId);
        this.byAgent.set(s.agentId, agent);
      }
      if (agent.set(n, s.id)) this.size++;
    }
    for (const [key, agent] of this.byAgent) {
      if (this.size <= this.max) break;
      this.byAgent.delete(key);
      this.size -= agent.size;
    }
  }

  /** Series held (for tests). */
  count(): number {
    return this.size;
  }

  private forgetAll(): void {
    this.nameNumbers.clear();
    this.byAgent.clear();
    this.size = 0;
  }
}

/** The series ids of a batch's samples, in sample order (items, then samples); -1 where the series is `missing`. */
export interface BatchSeries {
  ids: number[];
  /** Series the cache does not know, once each: the write resolves them (sets `id`), then `fillSeries`. */
  missing: NewSeries[];
  /** Per sample, the missing series it waits for (null when known). */
  waiting: (NewSeries | null)[];
}

export function seriesOfBatch(items: readonly IngestItem[], cache: SeriesIds): BatchSeries {
  const ids: number[] = [];
  const fresh = new Map<string, NewSeries>();
  const waiting: (NewSeries | null)[] = [];
  for (const item of items) {
    const known = cache.agent(item.tenantId, item.agentId);
    for (const s of item.samples) {
      const name = seriesName(s);
      const id = known?.get(name);
      if (id !== undefined) {
        ids.push(id);
        waiting.push(null);
        continue;
      }
      const key = `${item.tenantId}/${item.agentId}\u0000${name}`;
      let f = fresh.get(key);
      if (!f) {
        f = { tenantId: item.tenantId, agentId: item.agentId, metric: s.metric, labelsKey: s.labelsKey, labels: s.labels };
        fresh.set(key, f);
      }
      ids.push(-1);
      waiting.push(f);
    }
  }
  return { ids, missing: [...fresh.values()], waiting };
}

/** Copies the resolved ids of the missing series onto their samples; returns the ids in sample order. */
export function fillSeries(batch: BatchSeries): number[] {
  if (batch.missing.length === 0) return batch.ids;
  for (const [i, f] of batch.waiting.entries()) {
    if (!f) continue;
    if (f.id === undefined) throw new Error(`series ${f.metric} of agent ${f.agentId} was not resolved`);
    batch.ids[i] = f.id;
  }
  return batch.ids;
}

/** The newest sample per series id across the batch (`ids` in sample order). On a tie the first wins, as in the samples table. */
export function newestPerSeriesId(items: readonly IngestItem[], ids: readonly number[]): Map<number, { ts: number; value: number }> {
  const newest = new Map<number, { ts: number; value: number }>();
  let i = 0;
  for (const item of items) {
    for (const s of item.samples) {
      const id = ids[i++]!;
      const ts = s.ts.getTime();
      const seen = newest.get(id);
      if (!seen || ts > seen.ts) newest.set(id, { ts, value: s.value });
    }
  }
  return newest;
}
