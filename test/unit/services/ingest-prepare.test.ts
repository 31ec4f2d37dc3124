import { describe, expect, it } from 'vitest';
import { canonicalLabels, prepareSubmission } from '../../../src/services/ingest/prepare.ts';
import { ValidationError } from '../../../src/services/errors.ts';

const agent = { tenantId: 't1', agentId: 'a1' };
const limits = { maxBatchSize: 5, maxSampleAgeSec: 3600, maxFutureSkewSec: 60 };
const now = new Date('2026-11-23T12:00:00Z');
const at = (offsetSec: number) => new Date(now.getTime() + offsetSec * 1000).toISOString();

describe('prepareSubmission', () => {
  it('keeps good samples and rejects too old, future and repeated ones with their index', () => {
    const { item, rejected } = prepareSubmission(
      agent,
      {
        samples: [
          { metric: 'cpu', value: 1, ts: at(-10) },
          { metric: 'cpu', value: 2, ts: at(-3601) },
          { metric: 'cpu', value: 3, ts: at(61) },
          { metric: 'cpu', value: 4, ts: at(-10) },
          { metric: 'cpu', value: 5, ts: at(-10), labels: { core: '1' } },
        ],
      },
      limits,
      now,
    );
    expect(item.samples.map((s) => s.value)).toEqual([1, 5]);
    expect(rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'too_old'],
      [2, 'in_future'],
      [3, 'duplicate'],
    ]);
    expect(item.samples[1]).toMatchObject({ tenantId: 't1', agentId: 'a1', labels: { core: '1' }, labelsKey: '[["core","1"]]' });
  });

  it('refuses a batch over maxBatchSize as a whole, naming the field', () => {
    const samples = Array.from({ length: 6 }, (_, i) => ({ metric: 'm', value: i, ts: at(-i) }));
    expect(() => prepareSubmission(agent, { samples }, limits, now)).toThrow(ValidationError);
    try {
      prepareSubmission(agent, { samples }, limits, now);
    } catch (err) {
      expect((err as ValidationError).errors[0]!.path).toBe('body/samples');
    }
  });

  it('canonical labels ignore key order and cannot collide through separators', () => {
    expect(canonicalLabels({ b: '2', a: '1' })).toBe(canonicalLabels({ a: '1', b: '2' }));
    expect(canonicalLabels({ a: '1,b=2' })).not.toBe(canonicalLabels({ a: '1', b: '2' }));
    expect(canonicalLabels({})).toBe('');
  });

  it('hashes the snapshot independent of key order and collectedAt; dedupes software by name (last wins)', () => {
    const one = prepareSubmission(
      agent,
      {
        snapshot: {
          collectedAt: at(-5),
          kernel: '6.1',
          os: { name: 'debian', version: '12' },
          software: [
            { name: 'curl', version: '7' },
            { name: 'curl', version: '8' },
          ],
        },
      },
      limits,
      now,
    );
    const two = prepareSubmission(agent, { snapshot: { software: [{ name: 'curl', version: '8' }], os: { version: '12', name: 'debian' }, kernel: '6.1' } }, limits, now);
    expect(one.item.inventory!.hash).toBe(two.item.inventory!.hash);
    expect(one.item.inventory!.software).toEqual([{ name: 'curl', version: '8' }]);
    expect(one.item.inventory!.collectedAt.toISOString()).toBe(at(-5));
    expect(two.item.inventory!.collectedAt).toEqual(now);
    expect(one.item.inventory!.snapshot).not.toHaveProperty('collectedAt');
  });
});
