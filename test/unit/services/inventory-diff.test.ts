import { describe, expect, it } from 'vitest';
import type { IngestItem } from '../../../src/domain/ingest.ts';
import type { InventorySubmission, StoredInventory } from '../../../src/domain/inventory.ts';
import { prepareSubmission, type SubmissionInput } from '../../../src/services/ingest/prepare.ts';
import { diffInventory } from '../../../src/services/inventory/diff.ts';

const limits = { maxBatchSize: 10, maxSampleAgeSec: 3600, maxFutureSkewSec: 60 };
const t0 = new Date('2026-11-23T12:00:00Z');

function item(snapshot: SubmissionInput['snapshot'], at: Date): IngestItem & { inventory: InventorySubmission } {
  return prepareSubmission({ tenantId: 't', agentId: 'a' }, { snapshot }, limits, at).item as IngestItem & { inventory: InventorySubmission };
}

function stored(i: IngestItem & { inventory: InventorySubmission }): StoredInventory {
  return { tenantId: 't', agentId: 'a', collectedAt: i.inventory.collectedAt, receivedAt: i.receivedAt, snapshot: i.inventory.snapshot, hash: i.inventory.hash };
}

const base = {
  kernel: '6.1.0',
  cpu: { model: 'x', cores: 4 },
  software: [
    { name: 'curl', version: '7.88' },
    { name: 'vim', version: '9.0' },
    { name: 'git', version: '2.39' },
  ],
};

describe('diffInventory', () => {
  it('records a baseline event and no changes for the first snapshot', () => {
    const d = diffInventory(null, item(base, t0))!;
    expect(d.changes).toEqual([]);
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ type: 'inventory_changed', resourceId: 'a', data: { baseline: true, software: 3 } });
  });

  it('finds installed, removed, upgraded software and changed hardware sections, one event each', () => {
    const prev = stored(item(base, t0));
    const next = item(
      {
        ...base,
        kernel: '6.1.1',
        software: [
          { name: 'curl', version: '8.0' },
          { name: 'git', version: '2.39' },
          { name: 'htop', version: '3.2' },
        ],
      },
      new Date(t0.getTime() + 60_000),
    );
    const d = diffInventory(prev, next)!;
    const summary = d.changes.map((c) => [c.kind, c.name, c.before, c.after]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['hardware_changed', 'kernel', '6.1.0', '6.1.1'],
        ['software_upgraded', 'curl', '7.88', '8.0'],
        ['software_installed', 'htop', null, '3.2'],
        ['software_removed', 'vim', '9.0', null],
      ]),
    );
    expect(d.changes).toHaveLength(4);
    expect(d.events.map((e) => e.data.changeId)).toEqual(d.changes.map((c) => c.id));
  });

  it('skips a snapshot not newer than the stored one (redelivery, out of order)', () => {
    const prev = stored(item(base, t0));
    expect(diffInventory(prev, item({ ...base, kernel: 'older' }, t0))).toBeNull();
    expect(diffInventory(prev, item({ ...base, kernel: 'older' }, new Date(t0.getTime() - 1000)))).toBeNull();
  });

  it('an identical newer snapshot changes nothing', () => {
    const prev = stored(item(base, t0));
    expect(diffInventory(prev, item({ ...base }, new Date(t0.getTime() + 1000)))).toEqual({ changes: [], events: [] });
  });
});
