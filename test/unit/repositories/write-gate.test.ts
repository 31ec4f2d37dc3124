/** The turn-taking between the request thread's connection and the ingestion writer thread's (two gates on one memory). */
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../../../src/repositories/sqlite/ingest-transfer.ts';
import { WriteGate } from '../../../src/repositories/sqlite/write-gate.ts';

const pair = (maxWaitMs: number) => {
  const request = new WriteGate(maxWaitMs);
  return { request, writer: new WriteGate(maxWaitMs, request.shared) };
};
const elapsed = (work: () => void) => {
  const started = performance.now();
  work();
  return performance.now() - started;
};

describe('WriteGate', () => {
  it('hands the turn over at once when it is free, and frees it after the work, even a throwing one', () => {
    const { request, writer } = pair(1000);
    expect(request.requestThread(() => 'request')).toBe('request');
    expect(() =>
      writer.writerThread(() => {
        throw new Error('batch failed');
      }),
    ).toThrow('batch failed');
    expect(elapsed(() => request.requestThread(() => undefined))).toBeLessThan(100);
    expect(elapsed(() => writer.writerThread(() => undefined))).toBeLessThan(100);
  });

  it('bounds a wait: a write whose turn does not come within maxWaitMs runs anyway (SQLite locking is underneath)', () => {
    const { request, writer } = pair(40);
    const waited = writer.writerThread(() => elapsed(() => request.requestThread(() => undefined)));
    expect(waited).toBeGreaterThanOrEqual(35);
  });

  it('frees the turn of a writer thread that died holding it', () => {
    const { request, writer } = pair(5000);
    // What a thread killed inside writerThread leaves behind: the lock word set to the writer thread (2).
    new Int32Array(writer.shared)[0] = 2;
    request.writerThreadDied();
    expect(elapsed(() => request.requestThread(() => undefined))).toBeLessThan(100);
  });
});

describe('ingestion batches as columns', () => {
  it('rebuilds the items: samples with their metric, labels, time and value; other fields as they were', () => {
    const receivedAt = new Date('2030-01-01T00:00:00.000Z');
    const sample = (agentId: string, metric: string, labels: Record<string, string>, ts: number, value: number) => ({
      tenantId: 't',
      agentId,
      metric,
      ts: new Date(ts),
      value,
      labels,
      labelsKey: JSON.stringify(labels),
    });
    const items = [
      { tenantId: 't', agentId: 'a', receivedAt, inventory: null, samples: [sample('a', 'cpu', { core: '0' }, 1000, 0.5), sample('a', 'mem', {}, 2000, 1e9)] },
      { tenantId: 't', agentId: 'b', receivedAt, inventory: null, samples: [], results: [] },
      { tenantId: 't', agentId: 'c', receivedAt, inventory: null, samples: [sample('c', 'cpu', { core: '0' }, 3000, -1)] },
    ];
    expect(decodeBatch(structuredClone(encodeBatch(items)))).toEqual(items);
    expect(() => encodeBatch([{ ...items[0]!, agentId: 'z' }])).toThrow(/another agent/);
  });
});
