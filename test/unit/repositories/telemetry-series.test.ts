/** The in-memory series ids (telemetry and check results): per agent, bounded, and a batch's unknown series resolved once each. */
import { describe, expect, it } from 'vitest';
import type { IngestItem } from '../../../src/domain/ingest.ts';
import { SeriesCache } from '../../../src/repositories/shared/check-results.ts';
import { fillSeries, newestPerSeriesId, SeriesIds, seriesOfBatch } from '../../../src/repositories/shared/telemetry-series.ts';

const row = (agentId: string, metric: string, ts: number, value = 0) => ({ tenantId: 't', agentId, metric, ts: new Date(ts), value, labels: {}, labelsKey: '' });
const item = (agentId: string, samples: ReturnType<typeof row>[]): IngestItem => ({ tenantId: 't', agentId, receivedAt: new Date(0), samples, inventory: null });
const known = (tenantId: string, agentId: string, metric: string, id: number) => ({ tenantId, agentId, metric, labelsKey: '', labels: {}, id });

describe('SeriesIds', () => {
  it('forgets whole agents, oldest first, past its bound', () => {
    const ids = new SeriesIds(3);
    ids.remember([known('t', 'a', 'cpu', 1), known('t', 'a', 'mem', 2)]);
    ids.remember([known('t', 'b', 'cpu', 3), known('t', 'c', 'cpu', 4)]);
    expect(ids.agent('t', 'a')).toBeUndefined();
    expect(ids.agent('t', 'b')?.get('cpu\u0000')).toBe(3);
    expect(ids.count()).toBe(2);
  });

  it('ignores series without an id and keys agents by tenant', () => {
    const ids = new SeriesIds();
    ids.remember([{ tenantId: 't', agentId: 'a', metric: 'cpu', labelsKey: '', labels: {} }, known('u', 'a', 'mem', 7)]);
    expect(ids.agent('t', 'a')).toBeUndefined();
    expect(ids.agent('u', 'a')?.get('mem\u0000')).toBe(7);
  });
  it('holds an agent with many series (past the scan, through a hash) and updates ids in place', () => {
    const ids = new SeriesIds();
    const many = Array.from({ length: 100 }, (_, i) => known('t', 'a', `m${i}`, 1000 + i));
    ids.remember(many);
    ids.remember([known('t', 'a', 'm5', 5), known('t', 'b', 'm5', 6)]);
    const a = ids.agent('t', 'a')!;
    expect(Array.from({ length: 100 }, (_, i) => a.get(`m${i}\u0000`))).toEqual(Array.from({ length: 100 }, (_, i) => (i === 5 ? 5 : 1000 + i)));
    expect(a.get('m100\u0000')).toBeUndefined();
    expect(ids.agent('t', 'b')?.get('m5\u0000')).toBe(6);
    expect(ids.agent('t', 'b')?.get('m6\u0000')).toBeUndefined();
    expect(ids.count()).toBe(101);
  });

  it('forgets a name with the last agent holding it, and numbers new names in its place', () => {
    const ids = new SeriesIds(2);
    ids.remember([known('t', 'a', 'cpu', 1), known('t', 'a', 'host-a', 2)]);
    ids.remember([known('t', 'b', 'cpu', 3), known('t', 'b', 'host-b', 4)]);
    // b's series pushed a out: its own name went with it, the shared one stays for b.
    expect(ids.agent('t', 'a')).toBeUndefined();
    expect(ids.count()).toBe(2);
    expect(ids.nameCount()).toBe(2);
    ids.remember([known('t', 'c', 'host-c', 5)]);
    expect(ids.agent('t', 'b')).toBeUndefined();
    expect(ids.agent('t', 'c')?.get('host-c\u0000')).toBe(5);
    expect(ids.agent('t', 'c')?.get('cpu\u0000')).toBeUndefined();
    expect(ids.nameCount()).toBe(1);
    // Many agents with names of their own never hold more names than ids.
    for (let i = 0; i < 100; i++) ids.remember([known('t', `h${i}`, `own-${i}`, i)]);
    expect(ids.count()).toBe(2);
    expect(ids.nameCount()).toBe(2);
    expect(ids.agent('t', 'h99')?.get('own-99\u0000')).toBe(99);
    expect(ids.agent('t', 'h98')?.get('own-98\u0000')).toBe(98);
  });

  it('does not answer for an agent id under another tenant', () => {
    const ids = new SeriesIds();
    ids.remember([known('t', 'a', 'cpu', 1)]);
    expect(ids.agent('u', 'a')).toBeUndefined();
    ids.remember([known('u', 'a', 'cpu', 2)]);
    expect(ids.agent('t', 'a')).toBeUndefined();
    expect(ids.agent('u', 'a')?.get('cpu\u0000')).toBe(2);
    expect(ids.count()).toBe(1);
    expect(ids.nameCount()).toBe(1);
  });
});

describe('SeriesCache (check results)', () => {
  it('holds ids by tenant, agent and endpoint', () => {
    const cache = new SeriesCache();
    const key = { tenantId: 't', agentId: 'a', endpointId: 'e1' };
    cache.committed(key, 4);
    cache.committed({ ...key, endpointId: 'e2' }, 5);
    cache.committed({ ...key, agentId: 'b' }, 6);
    expect(cache.of(key)).toBe(4);
    expect(cache.of({ ...key, endpointId: 'e2' })).toBe(5);
    expect(cache.of({ ...key, agentId: 'b' })).toBe(6);
    expect(cache.of({ ...key, tenantId: 'u' })).toBeUndefined();
    expect(cache.of({ ...key, endpointId: 'e3' })).toBeUndefined();
  });
});

describe('seriesOfBatch', () => {
  it('asks for each unknown series once and fills every sample of it', () => {
    const cache = new SeriesIds();
    cache.remember([known('t', 'a', 'cpu', 1)]);
    const items = [item('a', [row('a', 'cpu', 1), row('a', 'mem', 1)]), item('b', [row('b', 'cpu', 1)]), item('a', [row('a', 'mem', 2, 5)])];
    const batch = seriesOfBatch(items, cache);
    expect(batch.missing.map((s) => `${s.agentId}/${s.metric}`)).toEqual(['a/mem', 'b/cpu']);
    batch.missing[0]!.id = 8;
    batch.missing[1]!.id = 9;
    expect(fillSeries(batch)).toEqual([1, 8, 9, 8]);
    expect([...newestPerSeriesId(items, batch.ids)]).toEqual([
      [1, { ts: 1, value: 0 }],
      [8, { ts: 2, value: 5 }],
      [9, { ts: 1, value: 0 }],
    ]);
  });

  it('refuses to go on with a series left unresolved', () => {
    const batch = seriesOfBatch([item('a', [row('a', 'cpu', 1)])], new SeriesIds());
    expect(() => fillSeries(batch)).toThrow(/not resolved/);
  });
});
