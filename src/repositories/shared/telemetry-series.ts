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
import { PerAgentIds } from './per-agent-ids.ts';

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

/** Telemetry series ids by agent and series name (`seriesName`). */
export class SeriesIds extends PerAgentIds {
  constructor(max = SERIES_CACHE_MAX) {
    super(max);
  }

  /** Call after the commit of the transaction that read or created these ids. Past the bound, the agents cached longest ago are forgotten. */
  remember(series: Iterable<NewSeries>): void {
    for (const s of series) if (s.id !== undefined) this.set(s.tenantId, s.agentId, seriesName(s), s.id);
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

export function seriesOfBatch(items: readonly IngestItem[], cache: PerAgentIds): BatchSeries {
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
