/**
 * Reachability reports over real HTTP, checked against figures computed by hand: checks, successes,
 * reachability %, latency avg / p50 / p95 (nearest rank) / max per bucket, the agent filter, and CSV; SQLite and Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { resultItem, variants } from '../factories/results.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

const FIVE_MIN = 300_000;

describe.each(dialects())('results report on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let endpointId: string;
  let a: { agentId: string; apiKey: string };
  let b: { agentId: string; apiKey: string };
  /** Start of the first bucket: a 5-minute boundary an hour ago. */
  const t0 = Math.floor((Date.now() - 3_600_000) / FIVE_MIN) * FIVE_MIN;
  const at = (bucket: number, second: number) => new Date(t0 + bucket * FIVE_MIN + second * 1000);

  beforeAll(async () => {
    s = await startTestServer({ dialect });
    const secret = await enrollmentSecret(s.client);
    a = await enrollAgent(s.client, secret);
    b = await enrollAgent(s.client, secret);
    endpointId = (await s.client.POST('/api/v1/endpoints', { body: { name: 'report target', address: 'example.com', checkType: 'ping' } })).data!.id;
    const items = [
      // Bucket 0, agent A: latencies 1..20 ms (one probe each) and 5 unreachable checks.
      ...Array.from({ length: 20 }, (_, i) => resultItem(a.agentId, endpointId, variants.ping([i + 1]), at(0, i))),
      ...Array.from({ length: 5 }, (_, i) => resultItem(a.agentId, endpointId, variants.pingDown(), at(0, 100 + i))),
      // Bucket 1, agent A: nine 5 ms checks and one of 100 ms, sent as a ping of two probes averaging 100 (90 and 110).
      ...Array.from({ length: 9 }, (_, i) => resultItem(a.agentId, endpointId, variants.ping([5]), at(1, i))),
      resultItem(a.agentId, endpointId, variants.ping([90, 110], 1), at(1, 30)),
      // Bucket 3 (2 is empty), agent B only: 2 unreachable checks.
      resultItem(b.agentId, endpointId, variants.pingDown(), at(3, 0)),
      resultItem(b.agentId, endpointId, variants.pingDown(), at(3, 1)),
      // Bucket 0, agent B: one 1000 ms check (left out when the report is for agent A).
      resultItem(b.agentId, endpointId, variants.ping([1000]), at(0, 200)),
    ];
    for (const [agent, batch] of [
      [a, items.filter((i) => i.agent_id === a.agentId)],
      [b, items.filter((i) => i.agent_id === b.agentId)],
    ] as const) {
      const res = await s.fetch(`/api/v1/agent/${agent.agentId}/results`, {
        method: 'POST',
        headers: { 'x-agent-api-key': agent.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ results: batch }),
      });
      expect(res.status).toBe(202);
    }
  });
  afterAll(() => s.close());

  const from = () => new Date(t0).toISOString();
  const to = () => new Date(t0 + 6 * FIVE_MIN).toISOString();
  const json = async (query: Record<string, string>) => {
    const res = await s.client.GET('/api/v1/results/report', { params: { query: { endpointId, from: from(), to: to(), ...query } } });
    expect(res.response.status).toBe(200);
    if (typeof res.data !== 'object') throw new Error('expected a JSON report');
    return res.data;
  };

  it('one agent at 5m: figures computed by hand', async () => {
    const report = await json({ agentId: a.agentId, aggregation: '5m' });
    expect(report).toMatchObject({ endpointId, agentId: a.agentId, aggregation: '5m', from: from(), to: to() });
    expect(report.buckets).toEqual([
      // 25 checks, 20 reachable: 80 %; latencies 1..20: avg 10.5, p50 = 10th = 10, p95 = 19th = 19, max 20.
      { ts: at(0, 0).toISOString(), checks: 25, successes: 20, reachabilityPct: 80, latencyAvgMs: 10.5, latencyP50Ms: 10, latencyP95Ms: 19, latencyMaxMs: 20 },
      // 10 checks, all reachable; nine 5s and one 100: avg 14.5, p50 = 5th = 5, p95 = 10th = 100, max 100.
      { ts: at(1, 0).toISOString(), checks: 10, successes: 10, reachabilityPct: 100, latencyAvgMs: 14.5, latencyP50Ms: 5, latencyP95Ms: 100, latencyMaxMs: 100 },
    ]);
  });

  it('all agents at 5m and 1h', async () => {
    const five = await json({ aggregation: '5m' });
    expect(five.agentId).toBeNull();
    expect(five.buckets.map((x) => [x.checks, x.successes, x.reachabilityPct, x.latencyMaxMs, x.latencyP95Ms])).toEqual([
      // Agent B's 1000 ms joins bucket 0: 21 latencies 1..20, 1000 → p95 = 20th = 20.
      [26, 21, 80.769, 1000, 20],
      [10, 10, 100, 100, 100],
      // Only unreachable checks: no latency figures.
      [2, 0, 0, null, null],
    ]);
    expect(five.buckets[2]).toMatchObject({ ts: at(3, 0).toISOString(), latencyAvgMs: null, latencyP50Ms: null });
    const hour = await json({ aggregation: '1h' });
    const checks = hour.buckets.reduce((n, x) => n + x.checks, 0);
    expect(checks).toBe(38);
    const lat = [...Array.from({ length: 20 }, (_, i) => i + 1), 1000, ...Array(9).fill(5), 100].sort((x, y) => x - y);
    // The 30 minutes may straddle an hour boundary: check the combined figures when they do not.
    if (hour.buckets.length === 1) {
      expect(hour.buckets[0]).toMatchObject({ checks: 38, successes: 31, latencyP50Ms: lat[15], latencyP95Ms: lat[29], latencyMaxMs: 1000 });
      expect(hour.buckets[0]!.latencyAvgMs).toBeCloseTo(lat.reduce((x, y) => x + y, 0) / 31, 9);
    }
  });

  it('a range not aligned to minutes (read from the result rows) gives the same figures as the minute rollups', async () => {
    const queries: Record<string, string>[] = [{ aggregation: '5m' }, { aggregation: '5m', agentId: a.agentId }, { aggregation: '1h' }];
    for (const query of queries) {
      const aligned = await json(query);
      const unaligned = await json({ ...query, from: new Date(t0 - 500).toISOString(), to: new Date(t0 + 6 * FIVE_MIN + 500).toISOString() });
      expect(unaligned.buckets).toEqual(aligned.buckets);
    }
  });

  it('answers CSV for format=csv and for Accept: text/csv', async () => {
    const q = new URLSearchParams({ endpointId, agentId: a.agentId, from: from(), to: to(), aggregation: '5m' });
    const expected = [
      'bucket_start,checks,successes,reachability_pct,latency_avg_ms,latency_p50_ms,latency_p95_ms,latency_max_ms',
      `${at(0, 0).toISOString()},25,20,80,10.5,10,19,20`,
      `${at(1, 0).toISOString()},10,10,100,14.5,5,100,100`,
      '',
    ].join('\r\n');
    const auth = { authorization: `Bearer ${s.adminToken}` };
    const byParam = await s.fetch(`/api/v1/results/report?${q}&format=csv`, { headers: auth });
    expect(byParam.status).toBe(200);
    expect(byParam.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await byParam.text()).toBe(expected);
    const byAccept = await s.fetch(`/api/v1/results/report?${q}`, { headers: { ...auth, accept: 'text/csv' } });
    expect(await byAccept.text()).toBe(expected);
    const asJson = await s.fetch(`/api/v1/results/report?${q}`, { headers: { ...auth, accept: 'application/json, text/csv' } });
    expect(asJson.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('400 for a reversed range, an unknown aggregation or too many buckets; 404 for an unknown endpoint', async () => {
    const bad = async (query: Record<string, string>, status = 400) => {
      const res = await s.fetch(`/api/v1/results/report?${new URLSearchParams({ endpointId, ...query })}`, { headers: { authorization: `Bearer ${s.adminToken}` } });
      expect(res.status, JSON.stringify(query)).toBe(status);
    };
    await bad({ from: to(), to: from() });
    await bad({ aggregation: '2m' });
    await bad({ from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', aggregation: '1m' });
    await bad({ endpointId: '01a207a2-0000-7000-8000-00000000beef' }, 404);
  });
});
