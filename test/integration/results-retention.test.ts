/**
 * Check results retention: the worker deletes results and minute rollups older than
 * `results.retentionDays` (in batches) and keeps the rest, whatever the tenant; SQLite and Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResultRow } from '../../src/domain/check-result.ts';
import { newId } from '../../src/services/ids.ts';
import { resultRetentionJob } from '../../src/workers/result-retention.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

const DAY_MS = 86_400_000;

describe.each(dialects())('results retention on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let tenantId: string;
  beforeAll(async () => {
    s = await startTestServer({ dialect, config: (c) => (c.results.pruneIntervalSec = 3600) });
    tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
  });
  afterAll(() => s.close());

  it('deletes results and minute rollups past retentionDays and keeps the newer ones', async () => {
    const agentId = newId();
    const endpointId = newId();
    // Minute-aligned days, so that a report reads the minute rollups.
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const daysAgo = (d: number, s = 0) => new Date(today.getTime() - d * DAY_MS + s * 1000);
    const result = (ts: Date, latencyMs: number): CheckResultRow => ({ id: newId(), tenantId, agentId, endpointId, checkType: 'ping', ts, reachable: true, latencyMs, result: {}, receivedAt: new Date() });
    // 12 old results (more than two prune batches of 5) over 3 minutes, 2 recent ones.
    const old = Array.from({ length: 12 }, (_, i) => result(daysAgo(10, i * 15), 5));
    const recent = [result(daysAgo(2), 7), result(daysAgo(2, 61), 9)];
    await s.repos.ingest.writeBatch([{ tenantId, agentId, receivedAt: new Date(), samples: [], inventory: null, results: [...old, ...recent] }], () => null);
    const report = (from: Date) => s.repos.results.report({ tenantId, endpointIds: [endpointId], from, to: today, stepMs: DAY_MS });
    expect((await report(daysAgo(30))).map((b) => b.checks)).toEqual([12, 2]);

    const job = resultRetentionJob(s.repos, { retentionDays: 5, pruneIntervalSec: 3600 }, s.logs.logger, 5);
    await job.run();
    expect(
      await s.repos.results.existingIds(
        tenantId,
        old.map((r) => r.id),
      ),
    ).toEqual(new Set());
    expect(
      await s.repos.results.existingIds(
        tenantId,
        recent.map((r) => r.id),
      ),
    ).toEqual(new Set(recent.map((r) => r.id)));
    expect(await report(daysAgo(30))).toEqual([{ ts: daysAgo(2), checks: 2, successes: 2, latencyAvgMs: 8, latencyP50Ms: 7, latencyP95Ms: 9, latencyMaxMs: 9 }]);
    // Rows read one by one too (a range that is not minute-aligned reads results, not rollups).
    expect((await s.repos.results.report({ tenantId, endpointIds: [endpointId], from: daysAgo(30, 1), to: today, stepMs: DAY_MS })).map((b) => b.checks)).toEqual([2]);
    expect(s.logs.lines().some((l) => l.msg === 'check result retention applied' && l.deleted === 12)).toBe(true);

    // Nothing left to delete: a second run changes nothing.
    await job.run();
    expect((await report(daysAgo(30))).map((b) => b.checks)).toEqual([2]);
  });
});
