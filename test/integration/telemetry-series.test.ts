/**
 * Series ids in the ingestion write: one series per tenant + agent + metric + labels however many instances
 * write it at once, ids remembered only once committed, and a series belongs to its tenant.
 */
import { describe, expect, it } from 'vitest';
import type { IngestItem } from '../../src/domain/ingest.ts';
import type { InventoryDiffer } from '../../src/domain/inventory.ts';
import type { TelemetryRow } from '../../src/domain/telemetry.ts';
import { openRepositories } from '../../src/repositories/index.ts';
import { canonicalLabels } from '../../src/services/ingest/prepare.ts';
import { useRepositories } from '../helpers/repository-suite.ts';
import { dialects } from '../helpers/server.ts';

const DAY = 86_400_000;
const day = new Date('2026-02-01T00:00:00.000Z');
const differ: InventoryDiffer = () => null;
const failingDiffer: InventoryDiffer = () => {
  throw new Error('differ failed');
};

const sample = (tenantId: string, agentId: string, metric: string, offsetMs: number, value: number, labels: Record<string, string> = {}): TelemetryRow => ({
  tenantId,
  agentId,
  metric,
  ts: new Date(day.getTime() + offsetMs),
  value,
  labels,
  labelsKey: canonicalLabels(labels),
});
const item = (tenantId: string, agentId: string, samples: TelemetryRow[], withInventory = false): IngestItem => ({
  tenantId,
  agentId,
  receivedAt: new Date(),
  samples,
  inventory: withInventory ? { collectedAt: new Date(), snapshot: {}, software: [], hash: 'h' } : null,
});

describe.each(dialects())('telemetry series on %s', (dialect) => {
  const suite = useRepositories(dialect);
  const range = (tenantId: string, agentId: string, metric: string) => suite.repos.telemetry.range({ tenantId, agentId, metric, from: day, to: new Date(day.getTime() + DAY), stepMs: DAY, agg: 'max' });

  it('two instances writing the same new series at once create it once', async () => {
    const t = await suite.tenant();
    const a = await suite.agent(t.id);
    const other = await openRepositories({ url: suite.url, poolSize: 2, busyTimeoutMs: 5000 });
    try {
      const labels = { core: '0' };
      await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : suite.repos).ingest.writeBatch([item(t.id, a.id, [sample(t.id, a.id, 'cpu', i * 1000, i, labels)])], differ)));
      // Both caches now know the series: later writes from either land in it.
      await other.ingest.writeBatch([item(t.id, a.id, [sample(t.id, a.id, 'cpu', 10_000, 10, labels)])], differ);
      await suite.repos.ingest.writeBatch([item(t.id, a.id, [sample(t.id, a.id, 'cpu', 11_000, 11, labels)])], differ);
      expect(await range(t.id, a.id, 'cpu')).toEqual([{ ts: day, value: 11, count: 8 }]);
      expect(await suite.repos.telemetry.latest(t.id, a.id)).toEqual([{ metric: 'cpu', labels, value: 11, ts: new Date(day.getTime() + 11_000) }]);
    } finally {
      await other.close();
    }
  });

  it('forgets the series of a batch that rolled back', async () => {
    const t = await suite.tenant();
    const a = await suite.agent(t.id);
    // The differ fails after the samples were written: the whole transaction, new series included, rolls back.
    await expect(suite.repos.ingest.writeBatch([item(t.id, a.id, [sample(t.id, a.id, 'mem', 0, 1)], true)], failingDiffer)).rejects.toThrow('differ failed');
    expect(await range(t.id, a.id, 'mem')).toEqual([]);
    // Another series is created next (on SQLite it gets the id the rolled-back one had), then the first one again.
    await suite.repos.ingest.writeBatch([item(t.id, a.id, [sample(t.id, a.id, 'disk', 0, 5)])], differ);
    await suite.repos.ingest.writeBatch([item(t.id, a.id, [sample(t.id, a.id, 'mem', 1000, 2)])], differ);
    expect(await range(t.id, a.id, 'mem')).toEqual([{ ts: day, value: 2, count: 1 }]);
    expect(await range(t.id, a.id, 'disk')).toEqual([{ ts: day, value: 5, count: 1 }]);
  });

  it('keeps series apart per tenant, even for the same agent id', async () => {
    const t1 = await suite.tenant();
    const t2 = await suite.tenant();
    const a = await suite.agent(t1.id);
    await suite.repos.ingest.writeBatch([item(t1.id, a.id, [sample(t1.id, a.id, 'cpu', 0, 1)]), item(t2.id, a.id, [sample(t2.id, a.id, 'cpu', 0, 99)])], differ);
    expect(await range(t1.id, a.id, 'cpu')).toEqual([{ ts: day, value: 1, count: 1 }]);
    expect(await range(t2.id, a.id, 'cpu')).toEqual([{ ts: day, value: 99, count: 1 }]);
    expect((await suite.repos.telemetry.latest(t1.id, a.id)).map((l) => l.value)).toEqual([1]);
  });

  it('stores a redelivered sample once and counts it once', async () => {
    const t = await suite.tenant();
    const a = await suite.agent(t.id);
    const batch = [item(t.id, a.id, [sample(t.id, a.id, 'net', 0, 1), sample(t.id, a.id, 'net', 1000, 2)])];
    expect((await suite.repos.ingest.writeBatch(batch, differ)).samplesWritten).toBe(2);
    expect((await suite.repos.ingest.writeBatch([...batch, ...batch], differ)).samplesWritten).toBe(0);
    expect(await range(t.id, a.id, 'net')).toEqual([{ ts: day, value: 2, count: 2 }]);
  });
});
