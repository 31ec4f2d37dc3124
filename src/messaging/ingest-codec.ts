/** Compact JSON encoding of ingestion items for JetStream messages (times as epoch milliseconds). */
import type { IngestItem } from '../domain/ingest.ts';
import type { TelemetryRow } from '../domain/telemetry.ts';
import type { CheckResultRow, ResultCheckType } from '../domain/check-result.ts';

type WireSample = [metric: string, ts: number, value: number, labels: Record<string, string> | 0, labelsKey: string];
type WireResult = [id: string, endpointId: string, checkType: ResultCheckType, ts: number, reachable: 0 | 1, latencyMs: number | null, result: Record<string, unknown>];

interface WireItem {
  v: 1;
  t: string;
  a: string;
  r: number;
  s: WireSample[];
  i: { c: number; snapshot: Record<string, unknown>; software: { name: string; version: string }[]; hash: string } | null;
  /** Check results; absent on inventory/telemetry items (and on messages written before results existed). */
  c?: WireResult[];
}

export function encodeIngestItem(item: IngestItem): Uint8Array {
  const wire: WireItem = {
    v: 1,
    t: item.tenantId,
    a: item.agentId,
    r: item.receivedAt.getTime(),
    s: item.samples.map((s) => [s.metric, s.ts.getTime(), s.value, s.labelsKey ? s.labels : 0, s.labelsKey]),
    i: item.inventory ? { c: item.inventory.collectedAt.getTime(), snapshot: item.inventory.snapshot, software: item.inventory.software, hash: item.inventory.hash } : null,
  };
  if (item.results && item.results.length > 0) wire.c = item.results.map((r) => [r.id, r.endpointId, r.checkType, r.ts.getTime(), r.reachable ? 1 : 0, r.latencyMs, r.result]);
  return Buffer.from(JSON.stringify(wire));
}

/** Throws on anything that is not an item this codec wrote. */
export function decodeIngestItem(data: Uint8Array): IngestItem {
  const wire = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as WireItem;
  if (wire?.v !== 1 || typeof wire.t !== 'string' || typeof wire.a !== 'string' || !Array.isArray(wire.s)) throw new Error('not an ingestion message');
  const samples: TelemetryRow[] = wire.s.map(([metric, ts, value, labels, labelsKey]) => ({
    tenantId: wire.t,
    agentId: wire.a,
    metric,
    ts: new Date(ts),
    value,
    labels: labels || {},
    labelsKey,
  }));
  const receivedAt = new Date(wire.r);
  const results: CheckResultRow[] | undefined = wire.c?.map(([id, endpointId, checkType, ts, reachable, latencyMs, result]) => ({
    id,
    tenantId: wire.t,
    agentId: wire.a,
    endpointId,
    checkType,
    ts: new Date(ts),
    reachable: reachable === 1,
    latencyMs,
    result,
    receivedAt,
  }));
  return {
    tenantId: wire.t,
    agentId: wire.a,
    receivedAt,
    samples,
    ...(results ? { results } : {}),
    inventory: wire.i ? { collectedAt: new Date(wire.i.c), snapshot: wire.i.snapshot, software: wire.i.software, hash: wire.i.hash } : null,
  };
}
