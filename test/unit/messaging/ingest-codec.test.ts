import { describe, expect, it } from 'vitest';
import type { IngestItem } from '../../../src/domain/ingest.ts';
import { decodeIngestItems, encodeIngestItem, ingestMessage } from '../../../src/messaging/ingest-codec.ts';

const item = (agentId: string, value: number): IngestItem => ({
  tenantId: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a70',
  agentId,
  receivedAt: new Date('2026-12-01T00:00:00.000Z'),
  samples: [{ tenantId: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a70', agentId, metric: 'cpu.usage', ts: new Date('2026-12-01T00:00:00.123Z'), value, labels: { core: '0' }, labelsKey: 'core=0' }],
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
    const data = ingestMessage(items.map(encodeIngestItem));
    expect(JSON.parse(Buffer.from(data).toString()).v).toBe(2);
    expect(decodeIngestItems(data)).toEqual(items);
  });

  it('refuses what it did not write', () => {
    expect(() => decodeIngestItems(Buffer.from('{"v":2,"items":{}}'))).toThrow();
    expect(() => decodeIngestItems(Buffer.from('{"v":3}'))).toThrow();
    expect(() => decodeIngestItems(Buffer.from('not json'))).toThrow();
  });
});
