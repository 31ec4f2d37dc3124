/**
 * Ingestion refuses bad input with documented 4xx (never 5xx), keeps what it accepted before, scopes
 * reads to the tenant, and pushes back with 503 + Retry-After when its queue is full.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Enrolled = Awaited<ReturnType<typeof enrollAgent>>;

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe.each(dialects())('ingestion limits on %s', (dialect) => {
  let s: Server;
  let agent: Enrolled;
  let neighbour: Enrolled;
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    const secret = await enrollmentSecret(s.client);
    agent = await enrollAgent(s.client, secret);
    neighbour = await enrollAgent(s.client, secret);
  });
  afterAll(() => s?.close());

  const post = (path: string, body: string, headers: Record<string, string> = { 'x-agent-api-key': agent.apiKey }) =>
    s.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const submit = (body: unknown) => post(`/api/v1/agent/${agent.agentId}/inventory`, JSON.stringify(body));
  const sample = (value: unknown, extra: Record<string, unknown> = {}) => ({ metric: 'cpu', value, ts: ago(1000), ...extra });

  it('accepted data survives every kind of bad request that follows', async () => {
    const kept = await submit({ samples: [{ metric: 'kept', value: 42, ts: ago(60_000) }] });
    expect(kept.status).toBe(202);

    const cases: [string, string, number][] = [
      ['string value', JSON.stringify({ samples: [sample('abc')] }), 400],
      ['NaN literal', `{"samples":[{"metric":"cpu","value":NaN,"ts":"${ago(1000)}"}]}`, 400],
      ['Infinity as string', JSON.stringify({ samples: [sample('Infinity')] }), 400],
      ['unknown sample field', JSON.stringify({ samples: [sample(1, { unit: '%' })] }), 400],
      ['metric with spaces', JSON.stringify({ samples: [{ ...sample(1), metric: 'cpu usage' }] }), 400],
      ['bad timestamp', JSON.stringify({ samples: [{ ...sample(1), ts: 'yesterday' }] }), 400],
      ['non-string label', JSON.stringify({ samples: [sample(1, { labels: { core: 1 } })] }), 400],
      ['empty submission', '{}', 400],
      ['unknown top-level field', JSON.stringify({ metrics: [] }), 400],
      ['over maxBatchSize (1001 samples)', JSON.stringify({ samples: Array.from({ length: 1001 }, (_, i) => ({ metric: 'm', value: i, ts: ago(i) })) }), 400],
      ['100k samples', JSON.stringify({ samples: Array.from({ length: 100_000 }, (_, i) => ({ metric: 'm', value: i, ts: ago(i) })) }), 413],
      ['10 MB body', JSON.stringify({ samples: [sample(1, { labels: { pad: 'x'.repeat(10 * 1024 * 1024) } })] }), 413],
      ['malformed JSON', '{"samples": [', 400],
    ];
    for (const [name, body, status] of cases) {
      const res = await post(`/api/v1/agent/${agent.agentId}/inventory`, body);
      expect.soft(res.status, name).toBe(status);
      expect.soft(res.headers.get('content-type'), name).toContain('application/problem+json');
    }
    const invalid = (await (await submit({ samples: [sample('abc'), sample(1, { ts: 'x' })] })).json()) as { errors: { path: string }[] };
    expect(invalid.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body/samples/0/value', 'body/samples/1/ts']);

    const { data } = await s.client.GET('/api/v1/agents/{agentId}/telemetry/latest', { params: { path: { agentId: agent.agentId } } });
    expect(data!.items).toEqual([expect.objectContaining({ metric: 'kept', value: 42 })]);
  });

  it("an agent key cannot submit for another agent's id, and operator tokens cannot submit at all", async () => {
    const body = JSON.stringify({ samples: [sample(1)] });
    expect((await post(`/api/v1/agent/${neighbour.agentId}/inventory`, body)).status).toBe(403);
    expect((await post(`/api/v1/agent/${agent.agentId}/inventory`, body, { authorization: `Bearer ${s.adminToken}` })).status).toBe(401);
    expect((await post(`/api/v1/agent/${agent.agentId}/inventory`, body, {})).status).toBe(401);
    const { data } = await s.client.GET('/api/v1/agents/{agentId}/telemetry/latest', { params: { path: { agentId: neighbour.agentId } } });
    expect(data!.items).toEqual([]);
  });

  it("another tenant sees none of this tenant's inventory or telemetry", async () => {
    await submit({ snapshot: { software: [{ name: 'secret-tool', version: '1' }] } });
    const outsider = s.clientFor((await tenantWithToken(s.repos, 'viewer')).secret);
    const path = { agentId: agent.agentId };
    expect((await outsider.GET('/api/v1/agents/{agentId}/inventory', { params: { path } })).response.status).toBe(404);
    expect((await outsider.GET('/api/v1/agents/{agentId}/inventory/changes', { params: { path } })).response.status).toBe(404);
    expect((await outsider.GET('/api/v1/agents/{agentId}/telemetry/latest', { params: { path } })).response.status).toBe(404);
    expect((await outsider.GET('/api/v1/agents/{agentId}/telemetry', { params: { path, query: { metric: 'kept' } } })).response.status).toBe(404);
    const { data } = await outsider.GET('/api/v1/software', { params: { query: { name: 'secret-tool' } } });
    expect(data).toMatchObject({ versions: [], items: [] });
    const { data: mine } = await s.client.GET('/api/v1/software', { params: { query: { name: 'secret-tool' } } });
    expect(mine!.versions).toEqual([{ version: '1', agents: 1 }]);
  });

  it('range queries refuse an empty range and too many points, and choose a step when none is given', async () => {
    const path = { agentId: agent.agentId };
    const now = Date.now();
    const from = new Date(now - 86_400_000).toISOString();
    const to = new Date(now).toISOString();
    const reversed = await s.client.GET('/api/v1/agents/{agentId}/telemetry', { params: { path, query: { metric: 'kept', from: to, to: from } } });
    expect(reversed.response.status).toBe(400);
    const tooFine = await s.client.GET('/api/v1/agents/{agentId}/telemetry', { params: { path, query: { metric: 'kept', from, to, step: 1 } } });
    expect(tooFine.response.status).toBe(400);
    const auto = await s.client.GET('/api/v1/agents/{agentId}/telemetry', { params: { path, query: { metric: 'kept', from, to, maxPoints: 24 } } });
    expect(auto.data!.stepSeconds).toBe(3600);
    expect(auto.data!.points).toEqual([expect.objectContaining({ value: 42, count: 1 })]);
  });

  it('exports queue depth, batch sizes and flush latency', async () => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    for (const name of ['ingest_queue_depth', 'ingest_batch_rows_bucket', 'ingest_flush_seconds_bucket', 'ingest_rows_persisted_total', 'ingest_samples_rejected_total']) {
      expect(text).toContain(name);
    }
  });
});

describe('ingestion back-pressure', () => {
  let s: Server;
  let agents: Enrolled[];
  beforeAll(async () => {
    // A slow flush and a tiny queue: the queue fills long before the first commit.
    s = await startTestServer({ config: (c) => Object.assign(c.ingest, { flushIntervalMs: 300, flushMaxRows: 100_000, maxQueueRows: 200, retryAfterSec: 2 }) });
    const secret = await enrollmentSecret(s.client);
    agents = await Promise.all(Array.from({ length: 5 }, () => enrollAgent(s.client, secret)));
  });
  afterAll(() => s?.close());

  it('answers 503 with Retry-After when the queue is full; everything answered 202 is stored', async () => {
    const base = Date.now() - 60_000;
    const sent = agents.flatMap((a, ai) =>
      Array.from({ length: 10 }, (_, r) => {
        const samples = Array.from({ length: 10 }, (_, i) => ({ metric: 'load', value: ai * 1000 + r * 10 + i, ts: new Date(base + r * 10 + i).toISOString() }));
        return s
          .fetch(`/api/v1/agent/${a.agentId}/inventory`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agent-api-key': a.apiKey }, body: JSON.stringify({ samples }) })
          .then((res) => ({ res, agent: a }));
      }),
    );
    const results = await Promise.all(sent);
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((x) => x === 202).length).toBeGreaterThan(0);
    const refused = results.filter((r) => r.res.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(statuses.every((x) => x === 202 || x === 503)).toBe(true);
    expect(refused[0]!.res.headers.get('retry-after')).toBe('2');
    for (const a of agents) {
      const acked = results.filter((r) => r.agent === a && r.res.status === 202).length * 10;
      const { data } = await s.client.GET('/api/v1/agents/{agentId}/telemetry', { params: { path: { agentId: a.agentId }, query: { metric: 'load', from: ago(3_600_000), to: ago(-1000), step: 3600 } } });
      const stored = data!.points.reduce((n, p) => n + p.count, 0);
      expect(stored).toBe(acked);
    }
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_refused_total\{reason="queue_full"\} [1-9]/);
  });
});
