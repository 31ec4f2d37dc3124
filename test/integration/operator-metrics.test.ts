/**
 * The metrics an operator's dashboards and alerts read (README, "Metrics"): each is in /metrics of a running
 * server, on both dialects and with NATS, and the presence gauges follow agents online and offline per
 * tenant without a scrape-time query.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enrollAgent, enrollmentSecret, heartbeatBody } from '../factories/agents-http.ts';
import { dialects, freshDatabaseUrl, startTestServer } from '../helpers/server.ts';

/** Every metric the operations kit (dashboards, alert rules) relies on, beyond the HTTP and process ones. */
const OPERATOR_METRICS = [
  'agents_online',
  'agents_offline',
  'command_executions',
  'jetstream_consumer_pending_messages',
  'jetstream_consumer_ack_pending_messages',
  'jetstream_consumer_redelivered_messages',
  'jetstream_redeliveries_total',
  'events_published_total',
  'db_pool_max_connections',
  'db_pool_in_use',
  'db_pool_waiting',
  'telemetry_rows',
  'telemetry_partitions',
  'ingest_queue_depth',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Samples of one metric in the exposition: labels text → value. */
async function samples(origin: string, name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m?.[1] === name) found.set(m[2] ?? '', Number(m[3]));
  }
  return found;
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(100);
  }
}

describe.each(dialects())('operator metrics (%s)', (dialect) => {
  let t: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    t = await startTestServer({
      dialect,
      config: (c) => {
        c.agents.offlineAfterSec = 1;
        c.agents.offlineCheckIntervalSec = 1;
        c.agents.heartbeatWriteIntervalSec = 0;
      },
    });
  });
  afterAll(() => t.close());

  it('exposes every operator metric', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const missing = OPERATOR_METRICS.filter((name) => !new RegExp(`^# TYPE ${name} `, 'm').test(text));
    expect(missing).toEqual([]);
    // Without NATS the consumer gauges read 0, not NaN: alerts on them stay quiet.
    expect([...(await samples(t.url, 'jetstream_consumer_pending_messages')).values()]).toEqual([0]);
    expect([...(await samples(t.url, 'db_pool_waiting')).values()]).toEqual([0]);
  });

  it('counts agents online and offline per tenant as they change', async () => {
    const secret = await enrollmentSecret(t.client);
    const agents = await Promise.all([enrollAgent(t.client, secret), enrollAgent(t.client, secret)]);
    const beat = (a: { agentId: string; apiKey: string }) =>
      fetch(`${t.url}/api/v1/agent/${a.agentId}/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agent-api-key': a.apiKey }, body: JSON.stringify(heartbeatBody) });
    // Both beat: two online in their tenant.
    for (const a of agents) expect((await beat(a)).status).toBe(204);
    const online = await eventually(
      () => samples(t.url, 'agents_online'),
      (m) => [...m.values()].includes(2),
    );
    const [label] = [...online].find(([, v]) => v === 2)!;
    expect(label).toMatch(/^\{tenant="[0-9a-f-]{36}"\}$/);
    // Silence past offlineAfterSec: the offline detector flips them, the gauges follow.
    const offline = await eventually(
      () => samples(t.url, 'agents_offline'),
      (m) => m.get(label) === 2,
    );
    expect(offline.get(label)).toBe(2);
    expect((await samples(t.url, 'agents_online')).get(label)).toBe(0);
    // One comes back.
    expect((await beat(agents[0]!)).status).toBe(204);
    const back = await eventually(
      () => samples(t.url, 'agents_online'),
      (m) => m.get(label) === 1,
    );
    expect(back.get(label)).toBe(1);
  });

  it('reports stored telemetry rows', async () => {
    const a = await enrollAgent(t.client, await enrollmentSecret(t.client));
    const now = Date.now();
    const body = { samples: Array.from({ length: 5 }, (_, i) => ({ metric: 'cpu', value: i, ts: new Date(now - i * 1000).toISOString() })) };
    const res = await fetch(`${t.url}/api/v1/agent/${a.agentId}/inventory`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agent-api-key': a.apiKey }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    // Postgres' statistics take up to a few seconds to report inserts; the metric caches reads for 5 s.
    const rows = await eventually(
      () => samples(t.url, 'telemetry_rows'),
      (m) => (m.get('') ?? 0) >= 5,
      20_000,
    );
    expect(rows.get('')).toBeGreaterThanOrEqual(5);
    const partitions = (await samples(t.url, 'telemetry_partitions')).get('');
    if (dialect === 'sqlite') expect(partitions).toBe(0);
    else expect(partitions).toBeGreaterThan(0);
  });
});

describe.runIf(inject('pgUrl') !== null && inject('natsUrl') !== null)('operator metrics with NATS', () => {
  let t: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    const natsUrl = inject('natsUrl')!;
    t = await startTestServer({ dialect: 'postgres', config: (c) => (c.nats.url = natsUrl) });
  });
  afterAll(() => t.close());

  it('reads the JetStream consumer lag and redeliveries', async () => {
    const a = await enrollAgent(t.client, await enrollmentSecret(t.client));
    const body = { samples: [{ metric: 'cpu', value: 1, ts: new Date().toISOString() }] };
    const res = await fetch(`${t.url}/api/v1/agent/${a.agentId}/inventory`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agent-api-key': a.apiKey }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    for (const name of ['jetstream_consumer_pending_messages', 'jetstream_consumer_ack_pending_messages', 'jetstream_consumer_redelivered_messages']) {
      const values = [...(await samples(t.url, name)).values()];
      expect(values).toHaveLength(1);
      expect(Number.isFinite(values[0])).toBe(true);
    }
    expect((await samples(t.url, 'jetstream_redeliveries_total')).get('')).toBe(0);
    // The consumer drains what was published: its lag returns to 0.
    const drained = await eventually(
      () => samples(t.url, 'jetstream_consumer_pending_messages'),
      (m) => m.get('') === 0,
    );
    expect(drained.get('')).toBe(0);
  });
});

describe.runIf(inject('pgUrl') !== null && inject('natsUrl') !== null)('agent presence across two instances', () => {
  const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
  afterAll(async () => {
    for (const s of servers.reverse()) await s.close();
  });

  it('follows an agent that beats on the other instance (through the NATS fan-out, no scrape-time query)', async () => {
    const natsUrl = inject('natsUrl')!;
    const db = await freshDatabaseUrl('postgres');
    const a = await startTestServer({ databaseUrl: db.url, config: (c) => (c.nats.url = natsUrl) });
    servers.push(a);
    const b = await startTestServer({ databaseUrl: db.url, adminToken: a.adminToken, config: (c) => (c.nats.url = natsUrl) });
    servers.push(b);
    const agent = await enrollAgent(a.client, await enrollmentSecret(a.client));
    const res = await fetch(`${a.url}/api/v1/agent/${agent.agentId}/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-agent-api-key': agent.apiKey },
      body: JSON.stringify(heartbeatBody),
    });
    expect(res.status).toBe(204);
    const onB = await eventually(
      () => samples(b.url, 'agents_online'),
      (m) => [...m.values()].includes(1),
    );
    expect([...onB.values()]).toContain(1);
  });
});
