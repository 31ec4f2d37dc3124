/**
 * Inventory and telemetry over real HTTP, through both pipelines: the database batcher (SQLite,
 * Postgres) and JetStream (with NATS). Reads after a JetStream 202 wait for the consumer's commit.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { operations } from '../../generated/api.d.ts';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Enrolled = Awaited<ReturnType<typeof enrollAgent>>;
const natsUrl = inject('natsUrl');

const variants = [...dialects().map((d) => ({ name: d, dialect: d, nats: false })), ...(natsUrl ? [{ name: 'postgres+nats', dialect: dialects().at(-1)!, nats: true }] : [])];

/** Polls until `check` stops throwing (JetStream writes land shortly after the 202). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const minutesAgo = (m: number, base = Date.now()) => new Date(base - m * 60_000).toISOString();

describe.each(variants)('ingestion on $name', ({ dialect, nats }) => {
  let s: Server;
  let agent: Enrolled;
  let other: Enrolled;
  beforeAll(async () => {
    s = await startTestServer({
      dialect,
      config: (c) => {
        if (nats) Object.assign(c.nats, { url: natsUrl });
      },
    });
    const secret = await enrollmentSecret(s.client);
    agent = await enrollAgent(s.client, secret);
    other = await enrollAgent(s.client, secret);
  });
  afterAll(() => s?.close());

  const submit = (who: Enrolled, body: unknown, path = who.agentId) =>
    s.fetch(`/api/v1/agent/${path}/inventory`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agent-api-key': who.apiKey }, body: JSON.stringify(body) });
  const telemetry = (agentId: string, query: operations['getTelemetry']['parameters']['query']) => s.client.GET('/api/v1/agents/{agentId}/telemetry', { params: { path: { agentId }, query } });

  it('stores samples and answers 202 with counts; latest and range queries read them back', async () => {
    const base = Date.now() - 10 * 60_000;
    const samples = [0, 1, 2, 3, 4, 5].map((i) => ({ metric: 'cpu.usage', value: i * 10, ts: new Date(base + i * 30_000).toISOString() }));
    const res = await submit(agent, { samples: [...samples, { metric: 'mem.used', value: 512, ts: minutesAgo(1), labels: { kind: 'rss' } }] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 7, rejected: [], snapshot: 'none' });

    const latest = await eventually(async () => {
      const { data } = await s.client.GET('/api/v1/agents/{agentId}/telemetry/latest', { params: { path: { agentId: agent.agentId } } });
      expect(data!.items).toHaveLength(2);
      return data!;
    });
    expect(latest.items.find((i) => i.metric === 'cpu.usage')).toMatchObject({ value: 50, labels: {} });
    expect(latest.items.find((i) => i.metric === 'mem.used')).toMatchObject({ value: 512, labels: { kind: 'rss' } });

    const from = new Date(base).toISOString();
    const to = new Date(base + 180_000).toISOString();
    const avg = await telemetry(agent.agentId, { metric: 'cpu.usage', from, to, step: 60, agg: 'avg' });
    expect(avg.data!.points.map((p) => [p.value, p.count])).toEqual([
      [5, 2],
      [25, 2],
      [45, 2],
    ]);
    expect(avg.data!.points[0]!.ts).toBe(from);
    const max = await telemetry(agent.agentId, { metric: 'cpu.usage', from, to, step: 90, agg: 'max' });
    expect(max.data!.points.map((p) => p.value)).toEqual([20, 50]);
    const last = await telemetry(agent.agentId, { metric: 'cpu.usage', from, to, step: 180, agg: 'last' });
    expect(last.data!.points.map((p) => p.value)).toEqual([50]);
  });

  it('stores a resent sample once', async () => {
    const ts = minutesAgo(5);
    for (let i = 0; i < 3; i++) expect((await submit(agent, { samples: [{ metric: 'resent', value: 1, ts }] })).status).toBe(202);
    await new Promise((r) => setTimeout(r, nats ? 500 : 0));
    const { data } = await eventually(async () => {
      const r = await telemetry(agent.agentId, { metric: 'resent', from: minutesAgo(10), to: minutesAgo(0), step: 3600 });
      expect(r.data!.points).toHaveLength(1);
      return r;
    });
    expect(data!.points[0]!.count).toBe(1);
  });

  it('rejects samples one by one (too old, in the future, repeated) and keeps the others', async () => {
    const ts = minutesAgo(2);
    const res = await submit(agent, {
      samples: [
        { metric: 'disk', value: 1, ts },
        { metric: 'disk', value: 2, ts: minutesAgo(60 * 24 * 8) },
        { metric: 'disk', value: 3, ts: new Date(Date.now() + 3_600_000).toISOString() },
        { metric: 'disk', value: 4, ts },
      ],
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason])).toEqual([
      [1, 'too_old'],
      [2, 'in_future'],
      [3, 'duplicate'],
    ]);
  });

  it('keeps the snapshot, records changes by diff with events, and answers fleet-wide software queries', async () => {
    const t0 = Date.now() - 60_000;
    const snapshot = (at: number, software: { name: string; version: string }[], kernel = '6.1.0') => ({
      snapshot: { collectedAt: new Date(at).toISOString(), hostname: 'h1', os: { name: 'debian', version: '12' }, kernel, cpu: { model: 'x', cores: 4 }, memory: { totalBytes: 8e9 }, software },
    });
    const first = await submit(
      agent,
      snapshot(t0, [
        { name: 'openssl', version: '3.0.1' },
        { name: 'curl', version: '7.88' },
      ]),
    );
    expect(await first.json()).toEqual({ accepted: 0, rejected: [], snapshot: 'accepted' });
    await submit(other, snapshot(t0, [{ name: 'openssl', version: '3.0.2' }]));
    await submit(
      agent,
      snapshot(
        t0 + 10_000,
        [
          { name: 'openssl', version: '3.0.2' },
          { name: 'htop', version: '3.2' },
        ],
        '6.1.1',
      ),
    );
    // An older snapshot arriving late changes nothing.
    await submit(agent, snapshot(t0 - 10_000, [], 'ancient'));

    const changes = await eventually(async () => {
      const { data } = await s.client.GET('/api/v1/agents/{agentId}/inventory/changes', { params: { path: { agentId: agent.agentId }, query: { limit: 2 } } });
      const { data: rest } = await s.client.GET('/api/v1/agents/{agentId}/inventory/changes', { params: { path: { agentId: agent.agentId }, query: { cursor: data!.nextCursor! } } });
      const all = [...data!.items, ...rest!.items];
      expect(all).toHaveLength(4);
      return all;
    });
    expect(changes.map((c) => [c.kind, c.name, c.before, c.after])).toEqual(
      expect.arrayContaining([
        ['hardware_changed', 'kernel', '6.1.0', '6.1.1'],
        ['software_upgraded', 'openssl', '3.0.1', '3.0.2'],
        ['software_installed', 'htop', null, '3.2'],
        ['software_removed', 'curl', '7.88', null],
      ]),
    );
    const { data: inv } = await s.client.GET('/api/v1/agents/{agentId}/inventory', { params: { path: { agentId: agent.agentId } } });
    expect(inv).toMatchObject({ agentId: agent.agentId, collectedAt: new Date(t0 + 10_000).toISOString(), snapshot: { kernel: '6.1.1' } });

    const { data: sw } = await s.client.GET('/api/v1/software', { params: { query: { name: 'openssl' } } });
    expect(sw!.versions).toEqual([{ version: '3.0.2', agents: 2 }]);
    expect(sw!.items.map((i) => i.agentId).sort()).toEqual([agent.agentId, other.agentId].sort());
    const { data: none } = await s.client.GET('/api/v1/software', { params: { query: { name: 'openssl', version: '3.0.1' } } });
    expect(none!.items).toEqual([]);

    const { data: feed } = await s.client.GET('/api/v1/events', { params: { query: { types: ['inventory_changed'], limit: 100 } } });
    const mine = feed!.events.filter((e) => e.resourceId === agent.agentId);
    expect(mine.filter((e) => (e.data as { baseline?: boolean }).baseline)).toHaveLength(1);
    expect(
      mine
        .map((e) => (e.data as { kind?: string }).kind)
        .filter(Boolean)
        .sort(),
    ).toEqual(['hardware_changed', 'software_installed', 'software_removed', 'software_upgraded']);
  });
});
