/**
 * Compact JSON encoding of ingestion items for JetStream messages (times as epoch milliseconds). A message
 * holds one item (`v: 1`, what every version reads) or several published together (`v: 2`, `items`).
 */
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

interface WireBatch {
  v: 2;
  items: WireItem[];
}

/** One item's JSON, to be put in a message by `ingestMessage`. */
export function encodeIngestItem(item: IngestItem): string {
  return JSON.stringify(toWire(item));
}

/** One encoded item as a `v: 1` message, several as a `v: 2` batch (`WireBatch`). */
export function ingestMessage(encoded: readonly string[]): Uint8Array {
  return Buffer.from(encoded.length === 1 ? encoded[0]! : `{"v":2,"items":[${encoded.join(',')}]}`);
}

/** The items of a message this codec wrote; throws on anything else. */
export function decodeIngestItems(data: Uint8Array): IngestItem[] {
  const wire = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as WireItem | WireBatch;
  if (wire?.v !== 2) return [fromWire(wire)];
  if (!Array.isArray(wire.items)) throw new Error('not an ingestion message');
  return wire.items.map(fromWire);
}

function toWire(item: IngestItem): WireItem {
  const wire: WireItem = {
    v: 1,
    t: item.tenantId,
    a: item.agentId,
    r: item.receivedAt.getTime(),
    s: item.samples.map((s) => [s.metric, s.ts.getTime(), s.value, s.labelsKey ? s.labels : 0, s.labelsKey]),
    i: item.inventory ? { c: item.inventory.collectedAt.getTime(), snapshot: item.inventory.snapshot, software: item.inventory.software, hash: item.inventory.hash } : null,
  };
  if (item.results && item.results.length > 0) wire.c = item.results.map((r) => [r.id, r.endpointId, r.checkType, r.ts.getTime(), r.reachable ? 1 : 0, r.latencyMs, r.result]);
  return wire;
}

/** Throws on anything that is not an item this codec wrote. */
function fromWire(wire: WireItem): IngestItem {
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
