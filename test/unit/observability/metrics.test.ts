/** The process metrics the server replaces: the same figures as prom-client's, without blocking the event loop. */
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/observability/metrics.ts';

const idlePool = () => ({ max: 1, inUse: 0, waiting: 0 });

async function openFds(metrics: Metrics): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString('process_open_fds');
  return Number(/^process_open_fds (\d+)$/m.exec(text)?.[1]);
}

describe.runIf(process.platform === 'linux')('process_open_fds', () => {
  it('counts the descriptors the process holds, its own listing excepted', async () => {
    const metrics = new Metrics(idlePool);
    const before = await openFds(metrics);
    expect(before).toBeGreaterThan(2);
    const opened = Array.from({ length: 7 }, () => openSync('/dev/null', 'r'));
    try {
      expect(await openFds(metrics)).toBe(before + 7);
    } finally {
      for (const fd of opened) closeSync(fd);
    }
    expect(await openFds(metrics)).toBe(before);
  });

  it('is listed once, as a gauge with its help', async () => {
    const text = await new Metrics(idlePool).registry.metrics();
    expect(text.match(/^# TYPE process_open_fds gauge$/gm)).toHaveLength(1);
    expect(text).toContain('# HELP process_open_fds Number of open file descriptors.');
  });
});
