/**
 * The ingestion scenario: agents in turn submit 10 samples per request (about 1 KB of JSON), each request
 * with a fresh timestamp so that every sample is new (a sample's identity is agent + metric + labels + ts,
 * a repeat is stored once). Rows persisted come from the server's own counter in /metrics.
 */
import type { FleetAgent } from './fleet.ts';
import type { Scenario, Variant } from './load.ts';

/** What one collection on a host reports: metric and labels. */
const SERIES: [string, Record<string, string>][] = [
  ['cpu.usage_percent', { core: 'total', mode: 'user' }],
  ['cpu.usage_percent', { core: 'total', mode: 'system' }],
  ['memory.used_bytes', { kind: 'rss' }],
  ['memory.available_bytes', { kind: 'physical' }],
  ['disk.read_bytes', { device: 'nvme0n1', mount: '/' }],
  ['disk.write_bytes', { device: 'nvme0n1', mount: '/' }],
  ['net.rx_bytes', { iface: 'eth0' }],
  ['net.tx_bytes', { iface: 'eth0' }],
  ['load.avg_1m', {}],
  ['procs.running', { state: 'running' }],
];
export const SAMPLES_PER_REQUEST = SERIES.length;

/**
 * Request k goes to agent k mod N with timestamp t0 + ⌊k / N⌋ s: each agent reports once a "second" of
 * its own clock, starting half an hour ago, so 10k agents can send 21M requests before reaching the
 * server's future-skew limit (5 min ahead).
 */
export function ingestScenario(origin: string, fleet: readonly FleetAgent[], now = Date.now()): Scenario & { bodyBytes: number } {
  const t0 = now - 30 * 60_000;
  const labelsJson = SERIES.map(([, labels]) => JSON.stringify(labels));
  let k = 0;
  const next = (): Variant => {
    const i = k++;
    const agent = fleet[i % fleet.length]!;
    const ts = new Date(t0 + Math.floor(i / fleet.length) * 1000).toISOString();
    let samples = '';
    for (let s = 0; s < SERIES.length; s++) {
      // A value that changes from request to request, with a few decimals like real readings.
      const value = Math.round(((i * 7919 + s * 104729) % 1_000_000) * 1.37) / 100;
      samples += `${s ? ',' : ''}{"metric":"${SERIES[s]![0]}","value":${value},"ts":"${ts}","labels":${labelsJson[s]}}`;
    }
    return { path: `/api/v1/agent/${agent.id}/inventory`, headers: agent.headers, body: `{"samples":[${samples}]}` };
  };
  const first = fleet[0]!;
  const bodyBytes = Buffer.byteLength(next().body!);
  k = 0;
  return {
    name: 'ingest',
    method: 'POST',
    origin,
    path: `/api/v1/agent/${first.id}/inventory`,
    headers: { 'content-type': 'application/json' },
    next,
    rowsProbe: async () => (await scrape(origin)).samplesPersisted,
    bodyBytes,
  };
}

export interface IngestGauges {
  samplesPersisted: number;
  resultsPersisted: number;
  queueDepth: number;
  /** Cumulative: committed batches, their rows and requests, seconds spent writing them. */
  batches: number;
  batchRows: number;
  batchRequests: number;
  flushSeconds: number;
  /** Cumulative: JetStream publishes acknowledged (0 without NATS) and the requests they carried. */
  publishes: number;
}

/** Reads the ingestion counters from the server's Prometheus endpoint. */
export async function scrape(origin: string): Promise<IngestGauges> {
  const res = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text.slice(0, 200)}`);
  return {
    samplesPersisted: promValue(text, 'ingest_rows_persisted_total{kind="sample"}'),
    resultsPersisted: promValue(text, 'ingest_rows_persisted_total{kind="result"}'),
    queueDepth: promValue(text, 'ingest_queue_depth'),
    batches: promValue(text, 'ingest_batch_rows_count'),
    batchRows: promValue(text, 'ingest_batch_rows_sum'),
    batchRequests: promValue(text, 'ingest_batch_requests_sum'),
    flushSeconds: promValue(text, 'ingest_flush_seconds_sum'),
    publishes: promValue(text, 'ingest_ack_seconds_count'),
  };
}

/**
 * Mean batch and commit time between two scrapes, as a line for the report; with JetStream, also how many
 * messages were published for `requests` accepted requests (each publish costs a round trip and an ack).
 */
/** `requests`: with JetStream, the requests answered, to print how many each message carried (without it, acks count requests, not messages). */
export function batchSummary(a: IngestGauges, b: IngestGauges, requests?: number): string {
  const n = b.batches - a.batches;
  if (n <= 0) return 'no batch committed';
  const per = (x: number) => (x / n).toFixed(1);
  const published = b.publishes - a.publishes;
  return (
    `${n} batches: mean ${per(b.batchRows - a.batchRows)} rows / ${per(b.batchRequests - a.batchRequests)} requests, ${(((b.flushSeconds - a.flushSeconds) / n) * 1000).toFixed(2)} ms to write and commit` +
    (requests !== undefined && published > 0 ? `; ${published} JetStream publishes, ${(requests / published).toFixed(1)} requests per message` : '')
  );
}

/** The value of one series in Prometheus text format (0 when absent: a counter not yet incremented). */
export function promValue(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(series) && line[series.length] === ' ') return Number(line.slice(series.length + 1).split(' ')[0]);
  }
  return 0;
}

/**
 * The failure to report for a drain: rows acknowledged and not stored, or a writer that stored nothing
 * during a load it acknowledged (a stalled consumer: the run would otherwise only show `rows/s 0`).
 */
export function drainFailure(name: string, unit: string, drain: Drain, expected: number, storedPerSecDuringLoad: number | null | undefined): string | undefined {
  if (!drain.complete) return `${name}: only ${drain.persisted} of ${expected} acknowledged ${unit} were stored`;
  if (storedPerSecDuringLoad === 0 && expected > 0) return `${name}: the writer stored no ${unit} during the load; the ${expected} acknowledged were stored in the ${drain.seconds.toFixed(1)} s after it`;
  return undefined;
}

export interface Drain {
  /** From the end of the load until the last row was stored: the writer's lag at the end of the load. */
  seconds: number;
  persisted: number;
  /** Stored when the load stopped (the rest was acknowledged but still waiting for the writer). */
  persistedAtLoadEnd: number;
  /** At least every acknowledged row was stored. */
  complete: boolean;
}

/**
 * Waits for the pipeline to go quiet after the load: with JetStream the 202 comes at the publish ack and
 * the consumer may still be writing. Quiet = queue empty and the counter (`kind`: samples or check results)
 * unchanged for 250 ms with at least `expected` rows stored since `baseline` (more is normal: requests in
 * flight when the load generator stopped are stored but not counted by it); or queue empty and unchanged
 * for 2 s whatever the count; or timeoutMs.
 */
export async function waitForDrain(origin: string, baseline: number, expected: number, kind: 'sample' | 'result' = 'sample', timeoutMs = 300_000): Promise<Drain> {
  const started = performance.now();
  let last = -1;
  let changedAt = started;
  let persistedAtLoadEnd: number | undefined;
  for (;;) {
    const g = await scrape(origin);
    const persisted = (kind === 'sample' ? g.samplesPersisted : g.resultsPersisted) - baseline;
    persistedAtLoadEnd ??= persisted;
    const now = performance.now();
    if (persisted !== last) {
      if (last >= 0) changedAt = now;
      last = persisted;
    }
    const quietMs = now - changedAt;
    const complete = persisted >= expected;
    // Drained only when the queue says so: with NATS, a fresh read of the consumer's pending and
    // awaiting-ack counts (NaN while NATS does not answer), so a stalled writer is not taken for done.
    const empty = g.queueDepth === 0;
    if ((empty && complete && quietMs >= 250) || (empty && quietMs >= 2000) || now - started > timeoutMs) {
      return { seconds: (changedAt - started) / 1000, persisted, persistedAtLoadEnd, complete };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
