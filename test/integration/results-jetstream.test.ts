/**
 * Result batches through JetStream (NATS configured): the 202 follows the stream's ack, the consumer
 * writes the results, and once written a re-sent batch is counted as duplicates and stored once.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { resultItem, variants } from '../factories/results.ts';
import { newId } from '../../src/services/ids.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

const natsUrl = inject('natsUrl');

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

describe.runIf(natsUrl)('results through JetStream', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({ dialect: dialects().at(-1)!, config: (c) => Object.assign(c.nats, { url: natsUrl }) });
  });
  afterAll(() => s?.close());

  it('stores every variant once and counts a re-sent batch as duplicates', async () => {
    const agent = await enrollAgent(s.client, await enrollmentSecret(s.client));
    const endpointId = newId();
    const t = new Date(Date.now() - 60_000);
    const items = [variants.ping([4]), variants.traceroute(true, 9), variants.tcpconnect(true, 2), variants.udpconnect(false, null), variants.httpget(true, 30), variants.plugin(false, null)].map((v, i) =>
      resultItem(agent.agentId, endpointId, v, new Date(t.getTime() + i * 1000)),
    );
    const post = async () => {
      const res = await s.fetch(`/api/v1/agent/${agent.agentId}/results`, {
        method: 'POST',
        headers: { 'x-agent-api-key': agent.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ results: items }),
      });
      expect(res.status).toBe(202);
      return (await res.json()) as { accepted: number; duplicates_skipped: number };
    };
    expect(await post()).toMatchObject({ accepted: 6, duplicates_skipped: 0 });
    const st = await eventually(async () => {
      const r = await s.client.GET('/api/v1/endpoints/{endpointId}/status', { params: { path: { endpointId } } });
      expect(r.data!.agents).toHaveLength(1);
      return r.data!.agents[0]!;
    });
    expect(st).toMatchObject({ reachable: false, lastCheckType: 'plugin' });
    expect(await post()).toMatchObject({ accepted: 0, duplicates_skipped: 6 });
    const tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
    expect(
      (
        await s.repos.results.existingIds(
          tenantId,
          items.map((i) => i.id),
        )
      ).size,
    ).toBe(6);
  });

  it('publishes concurrent requests together (fewer messages than requests), and stores every one', async () => {
    const agents = await Promise.all(Array.from({ length: 4 }, async () => enrollAgent(s.client, await enrollmentSecret(s.client))));
    // One observation of the publish-ack histogram per message published.
    const publishes = async () => Number(/^ingest_ack_seconds_count (\S+)/m.exec(await (await fetch(`${s.url}/metrics`)).text())?.[1] ?? 0);
    const before = await publishes();
    const endpointId = newId();
    const t = Date.now() - 60_000;
    const items = Array.from({ length: 40 }, (_, i) => resultItem(agents[i % agents.length]!.agentId, endpointId, variants.ping([1]), new Date(t + i)));
    const posts = items.map((item, i) => {
      const agent = agents[i % agents.length]!;
      return s.fetch(`/api/v1/agent/${agent.agentId}/results`, { method: 'POST', headers: { 'x-agent-api-key': agent.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ results: [item] }) });
    });
    expect((await Promise.all(posts)).map((r) => r.status)).toEqual(Array(40).fill(202));
    const published = (await publishes()) - before;
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThan(40);
    const tenantId = (await s.client.GET('/api/v1')).data!.principal!.tenantId;
    await eventually(async () =>
      expect(
        (
          await s.repos.results.existingIds(
            tenantId,
            items.map((i) => i.id),
          )
        ).size,
      ).toBe(40),
    );
  });
});
