/**
 * Turns a validated submission into what the pipeline writes: samples checked one by one (time window,
 * repeats within the batch), labels in canonical form, the software list deduplicated and the snapshot
 * hashed so that an identical resubmission is recognised.
 */
import { createHash } from 'node:crypto';
import type { BodyOf } from '../../operation-types.ts';
import type { IngestItem } from '../../domain/ingest.ts';
import type { InventorySubmission, SoftwarePackage } from '../../domain/inventory.ts';
import type { TelemetryRow } from '../../domain/telemetry.ts';
import { ValidationError } from '../errors.ts';

export type SubmissionInput = BodyOf<'submitInventory'>;
export type SampleInput = NonNullable<SubmissionInput['samples']>[number];

export type RejectReason = 'too_old' | 'in_future' | 'duplicate';

export interface RejectedSample {
  index: number;
  reason: RejectReason;
  detail: string;
}

export interface IngestLimits {
  maxBatchSize: number;
  maxSampleAgeSec: number;
  maxFutureSkewSec: number;
}

export interface PreparedSubmission {
  item: IngestItem;
  rejected: RejectedSample[];
}

export function prepareSubmission(agent: { tenantId: string; agentId: string }, input: SubmissionInput, limits: IngestLimits, now: Date): PreparedSubmission {
  const samples = input.samples ?? [];
  if (samples.length > limits.maxBatchSize) {
    throw new ValidationError(`a request carries at most ${limits.maxBatchSize} samples; split the batch`, [
      { path: 'body/samples', message: `${samples.length} samples, at most ${limits.maxBatchSize} allowed` },
    ]);
  }
  const oldest = now.getTime() - limits.maxSampleAgeSec * 1000;
  const newest = now.getTime() + limits.maxFutureSkewSec * 1000;
  const rows: TelemetryRow[] = [];
  const rejected: RejectedSample[] = [];
  const seen = new Set<string>();
  for (const [index, s] of samples.entries()) {
    const ts = Date.parse(s.ts);
    if (ts < oldest) {
      rejected.push({ index, reason: 'too_old', detail: `older than ${limits.maxSampleAgeSec} s` });
      continue;
    }
    if (ts > newest) {
      rejected.push({ index, reason: 'in_future', detail: `more than ${limits.maxFutureSkewSec} s ahead of the server clock` });
      continue;
    }
    const labels = s.labels ?? {};
    const labelsKey = canonicalLabels(labels);
    const identity = `${s.metric}\u0000${ts}\u0000${labelsKey}`;
    if (seen.has(identity)) {
      rejected.push({ index, reason: 'duplicate', detail: 'same metric, labels and ts as an earlier sample of this batch' });
      continue;
    }
    seen.add(identity);
    rows.push({ tenantId: agent.tenantId, agentId: agent.agentId, metric: s.metric, ts: new Date(ts), value: s.value, labels, labelsKey });
  }
  const item: IngestItem = {
    tenantId: agent.tenantId,
    agentId: agent.agentId,
    receivedAt: now,
    samples: rows,
    inventory: input.snapshot ? prepareSnapshot(input.snapshot, now) : null,
  };
  return { item, rejected };
}

/** `k=v` pairs sorted by key, JSON-encoded so that no separator inside a value can collide; '' without labels. */
export function canonicalLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return JSON.stringify(keys.sort().map((k) => [k, labels[k]]));
}

function prepareSnapshot(raw: NonNullable<SubmissionInput['snapshot']>, now: Date): InventorySubmission {
  const { collectedAt, ...snapshot } = raw;
  const byName = new Map<string, SoftwarePackage>();
  for (const p of raw.software ?? []) byName.set(p.name, p);
  const software = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (raw.software) snapshot.software = software;
  return {
    collectedAt: collectedAt ? new Date(collectedAt) : now,
    snapshot,
    software: software.map((p) => ({ name: p.name, version: p.version })),
    hash: createHash('sha256').update(stableJson(snapshot)).digest('base64url'),
  };
}

/** JSON with object keys sorted, so equal content hashes equally whatever order the agent sent. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
