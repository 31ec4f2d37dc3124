/** The agent's outbox: in order, bounded with the oldest dropped and counted, counters kept with it across reopenings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/agent/outbox.ts';

describe('agent outbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-outbox-'));
  const file = join(dir, 'outbox.db');
  afterEach(() => rmSync(file, { force: true }));

  it('keeps items in order until removed, across reopening', () => {
    const box = new Outbox(file, 100);
    for (const n of [1, 2, 3]) box.push('samples', '/p', { n });
    box.remove(box.head(1)[0]!.seq);
    box.close();
    const again = new Outbox(file, 100);
    expect(again.head(10).map((i) => JSON.parse(i.body).n)).toEqual([2, 3]);
    again.close();
  });

  it('drops the oldest when full, counts them until a heartbeat reports them', () => {
    const box = new Outbox(join(dir, 'full.db'), 3);
    for (const n of [1, 2, 3, 4, 5]) box.push('samples', '/p', { n });
    expect(box.head(10).map((i) => JSON.parse(i.body).n)).toEqual([3, 4, 5]);
    expect(box.dropped).toBe(2);
    box.push('samples', '/p', { n: 6 });
    box.acknowledgeDropped(2); // a heartbeat carried 2; the one dropped meanwhile stays counted
    expect(box.dropped).toBe(1);
    box.close();
  });

  it('increments a counter in the same transaction as the item', () => {
    const box = new Outbox(join(dir, 'counter.db'), 10);
    box.push('results', '/p', { r: 1 }, 'checks', 3);
    box.push('results', '/p', { r: 2 }, 'checks', 2);
    expect(box.counter('checks')).toBe(5);
    expect(box.counter('other')).toBe(0);
    box.close();
  });

  it('on a full disk (a capped file), drops the oldest to make room and counts them', () => {
    const box = new Outbox(join(dir, 'disk.db'), 1_000_000, 256 * 1024);
    const filler = 'x'.repeat(2000);
    for (let n = 1; n <= 400; n++) box.push('samples', '/p', { n, filler });
    expect(box.dropped).toBeGreaterThan(0);
    const kept = box.head(1000).map((i) => JSON.parse(i.body).n as number);
    expect(kept.at(-1)).toBe(400); // the newest is always kept
    expect(kept[0]).toBe(box.dropped + 1); // what is gone is exactly the oldest
    expect(kept.length + box.dropped).toBe(400);
    box.close();
  });
});
