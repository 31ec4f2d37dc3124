import { describe, expect, it } from 'vitest';
import type { IngestItem } from '../../../src/domain/ingest.ts';
import { decodeIngestItems, encodeIngestItem, ingestMessage } from '../../../src/messaging/ingest-codec.ts';
import { canonicalLabels } from '../../../src/services/ingest/prepare.ts';

const item = (agentId: string, value: number, labels: Record<string, string> = { core: '0' }): IngestItem => ({
  tenantId: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a70',
  agentId,
  receivedAt: new Date('2026-12-01T00:00:00.000Z'),
  samples: [{ tenantId: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a70', agentId, metric: 'cpu.usage', ts: new Date('2026-12-01T00:00:00.123Z'), value, labels, labelsKey: canonicalLabels(labels) }],
  inventory: null,
});

describe('ingestion message codec', () => {
  it('one item is a v1 message, the format every version reads', () => {
    const data = ingestMessage([encodeIngestItem(item('a1', 1.5))]);
    expect(JSON.parse(Buffer.from(data).toString()).v).toBe(1);
    expect(decodeIngestItems(data)).toEqual([item('a1', 1.5)]);
  });

  it('several items are one v2 message and come back in order', () => {
    const items = [item('a1', 1), item('a2', 2), item('a3', 3)];
    const data = ingestMessage(items.map((i) => encodeIngestItem(i)));
    expect(JSON.parse(Buffer.from(data).toString()).v).toBe(2);
    expect(decodeIngestItems(data)).toEqual(items);
  });

  it('compact items are one v3 message: labels rebuilt from their key, times relative to receipt, in order', () => {
    const early = { ...item('a2', 2, { mode: 'user', core: '1' }), samples: [{ ...item('a2', 2, { mode: 'user', core: '1' }).samples[0]!, ts: new Date('2026-11-30T23:59:00.000Z') }] };
    const items = [item('a1', 1), early, item('a3', 3, {}), { ...item('a4', 4), samples: [] }];
    const full = ingestMessage(items.map((i) => encodeIngestItem(i)));
    const data = ingestMessage(
      items.map((i) => encodeIngestItem(i, 'compact')),
      'compact',
    );
    expect(JSON.parse(Buffer.from(data).toString()).v).toBe(3);
    expect(data.byteLength).toBeLessThan(full.byteLength);
    expect(decodeIngestItems(data)).toEqual(items);
    // A single compact item is a v3 batch too (readers of v1 would take its samples for full ones).
    expect(JSON.parse(Buffer.from(ingestMessage([encodeIngestItem(item('a1', 1), 'compact')], 'compact')).toString()).v).toBe(3);
  });

  it('refuses what it did not write', () => {
    expect(() => decodeIngestItems(Buffer.from('{"v":2,"items":{}}'))).toThrow();
    expect(() => decodeIngestItems(Buffer.from('{"v":3}'))).toThrow();
    expect(() => decodeIngestItems(Buffer.from('not json'))).toThrow();
    // A v3 batch of full items, or a compact sample whose labels key is not canonical.
    expect(() => decodeIngestItems(ingestMessage([encodeIngestItem(item('a1', 1))], 'compact'))).toThrow();
    const badKey = `{"v":3,"items":[{"v":3,"t":"t","a":"a","r":0,"s":[["m",0,1,"core=0"]],"i":null}]}`;
    expect(() => decodeIngestItems(Buffer.from(badKey))).toThrow();
  });
});
