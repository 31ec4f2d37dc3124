/**
 * `ingest_queue_depth` with NATS tells the consumer's real backlog (not delivered + not acked), read fresh
 * from the server: across a NATS crash and restart it follows the consumer's state instead of freezing at
 * a cached value, and it is NaN (unknown) while NATS does not answer.
 */
import { connect } from 'nats';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { startNats } from '../helpers/nats.ts';
import { startTestServer } from '../helpers/server.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gauge(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('ingest_queue_depth '));
  return Number(line?.split(' ')[1]);
}

/** The consumer's state as the NATS server has it, over a connection of our own. */
async function consumerBacklog(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url, timeout: 2000, reconnect: false });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.consumers.info(stream, 'agentry-ingest-writer');
    return info.num_pending + info.num_ack_pending;
  } finally {
    await nc.close();
  }
}

describe.runIf(inject('pgUrl') !== null && inject('natsUrl') !== null)('ingest_queue_depth with NATS', () => {
  it('matches the consumer after NATS is killed and restarted', async () => {
    const nats = await startNats();
    cleanups.push(() => nats.stop());
    const s = await startTestServer({
      dialect: 'postgres',
      config: (c) => {
        c.nats.url = nats.url;
        c.rateLimits.enabled = false;
        // Acks lost with the crash leave messages awaiting ack until the ack wait runs out, then they are
        // redelivered (and written once): 3 s instead of the default 30 s keeps the test short.
        c.ingest.streamAckWaitSec = 3;
      },
    });
    cleanups.push(() => s.close());
    const stream = s.config.ingest.streamName;
    const { agentId, apiKey } = await enrollAgent(s.client, await enrollmentSecret(s.client));
    const ingest = (i: number) =>
      fetch(`${s.url}/api/v1/agent/${agentId}/inventory`, {
        method: 'POST',
        headers: { 'x-agent-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ samples: [{ metric: 'depth', value: i, ts: new Date(Date.now() - 60_000 + i).toISOString() }] }),
      });
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => ingest(i).then((r) => r.status)));
    expect(statuses.every((x) => x === 202)).toBe(true);

    await nats.kill('SIGKILL');
    await sleep(1100);
    expect(await gauge(s.url)).toBeNaN();
    await nats.start();

    // The consumer resumes by itself; the gauge follows the real backlog down to 0 (read at most once a
    // second, so it may lag the server by that much).
    const deadline = Date.now() + 20_000;
    let real = -1;
    let seen = -1;
    while (Date.now() < deadline) {
      await sleep(1100);
      seen = await gauge(s.url);
      real = await consumerBacklog(nats.url, stream).catch(() => -1);
      if (real === 0 && seen === 0) break;
    }
    expect(real).toBe(0);
    expect(seen).toBe(0);
    // New work after the restart is written too: the consumer was not left stuck.
    expect((await ingest(1000)).status).toBe(202);
    await sleep(1100);
    for (let i = 0; i < 20 && (await gauge(s.url)) !== 0; i++) await sleep(500);
    expect(await gauge(s.url)).toBe(await consumerBacklog(nats.url, stream));
  });
});
