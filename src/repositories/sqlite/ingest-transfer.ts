/**
 * A batch as it crosses to the writer thread. Structured-cloning IngestItems costs one object (and a Date,
 * and a labels object) per sample on both threads; here samples travel as columns instead: a Float64Array
 * of (ts, value) and an Int32Array of (metric, labels) indexes into string tables that hold each distinct
 * metric and label set of the batch once. Items keep their other fields (inventory and check results,
 * cloned as they are). The writer thread rebuilds the IngestItems it writes.
 */
import type { IngestItem } from '../../domain/ingest.ts';
import type { TelemetryRow } from '../../domain/telemetry.ts';

export interface EncodedBatch {
  items: (Omit<IngestItem, 'samples'> & { sampleCount: number })[];
  /** Per sample: ts (ms), value. */
  numbers: Float64Array<ArrayBuffer>;
  /** Per sample: index into `metrics`, index into `labelsKeys`. */
  indexes: Int32Array<ArrayBuffer>;
  metrics: string[];
  labelsKeys: string[];
  /** The labels of each `labelsKeys` entry, as JSON. */
  labels: string[];
}

/** Samples must belong to their item's agent (prepareSubmission makes them so); it is checked here. */
export function encodeBatch(items: readonly IngestItem[]): EncodedBatch {
  let total = 0;
  for (const item of items) total += item.samples.length;
  const numbers = new Float64Array(total * 2);
  const indexes = new Int32Array(total * 2);
  const metrics = new Table();
  const labelsKeys = new Table();
  const labels: string[] = [];
  const encoded: EncodedBatch['items'] = [];
  let i = 0;
  for (const { samples, ...rest } of items) {
    encoded.push({ ...rest, sampleCount: samples.length });
    for (const s of samples) {
      if (s.agentId !== rest.agentId || s.tenantId !== rest.tenantId) throw new Error('a sample of another agent than its item');
      numbers[i] = s.ts.getTime();
      numbers[i + 1] = s.value;
      indexes[i] = metrics.index(s.metric);
      const l = labelsKeys.index(s.labelsKey);
      if (l === labels.length) labels.push(JSON.stringify(s.labels));
      indexes[i + 1] = l;
      i += 2;
    }
  }
  return { items: encoded, numbers, indexes, metrics: metrics.values, labelsKeys: labelsKeys.values, labels };
}

export function decodeBatch(batch: EncodedBatch): IngestItem[] {
  const { numbers, indexes, metrics, labelsKeys } = batch;
  const labels = batch.labels.map((json) => JSON.parse(json) as Record<string, string>); // written by encodeBatch from the same type
  let i = 0;
  return batch.items.map(({ sampleCount, ...item }) => {
    const samples: TelemetryRow[] = new Array(sampleCount);
    for (let n = 0; n < sampleCount; n++, i += 2) {
      const l = indexes[i + 1]!;
      samples[n] = { tenantId: item.tenantId, agentId: item.agentId, metric: metrics[indexes[i]!]!, ts: new Date(numbers[i]!), value: numbers[i + 1]!, labels: labels[l]!, labelsKey: labelsKeys[l]! };
    }
    return { ...item, samples };
  });
}

/** Distinct strings, in first-seen order, with their index. */
class Table {
  readonly values: string[] = [];
  private readonly positions = new Map<string, number>();

  index(value: string): number {
    let at = this.positions.get(value);
    if (at === undefined) {
      at = this.values.length;
      this.positions.set(value, at);
      this.values.push(value);
    }
    return at;
  }
}
