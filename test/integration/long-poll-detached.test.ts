/**
 * A parked command poll is detached from the request chain (src/http/detached-answer.ts) and its answer is
 * written later from a fresh context: it must carry what any answer carries (request id, RateLimit-*,
 * CORS) and be counted like any request (duration histogram, in-flight gauge), woken or not.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { startTestServer } from '../helpers/server.ts';

const ORIGIN = 'https://console.example';

describe('a detached long poll', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let agent: { agentId: string; apiKey: string };
  beforeAll(async () => {
    s = await startTestServer({
      config: (c) => {
        c.server.corsOrigins = [ORIGIN];
      },
    });
    agent = await enrollAgent(s.client, await enrollmentSecret(s.client), { capabilities: ['heartbeat', 'commands', 'run_command'] });
  });
  afterAll(() => s.close());

  const park = (wait: number, requestId: string) =>
    fetch(`${s.url}/api/v1/agent/${agent.agentId}/commands?wait=${wait}`, { headers: { authorization: `Bearer ${agent.apiKey}`, origin: ORIGIN, 'x-request-id': requestId } });
  const metrics = async () => (await s.fetch('/metrics')).text();
  const pollCount = (text: string) => Number(/^http_request_duration_seconds_count\{route="\/api\/v1\/agent\/\{agentId\}\/commands",method="GET",status="200"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  const parkedNow = async () => Number(/^command_pollers_parked (\d+)$/m.exec(await metrics())?.[1]);
  const untilParked = async () => {
    for (let i = 0; i < 100 && (await parkedNow()) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await parkedNow()).toBe(1);
  };

  it('answers a wake-up with the headers of any answer, and is counted once it has answered', async () => {
    const before = pollCount(await metrics());
    const answer = park(20, 'parked-woken-1');
    await untilParked();
    const created = await s.client.POST('/api/v1/commands', { body: { type: 'run_command', payload: { cmd: 'uptime', timeoutSec: 30 }, targets: { agentIds: [agent.agentId] }, ttlSec: 60 } });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('parked-woken-1');
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { commands: { commandId: string }[] };
    expect(body.commands.map((c) => c.commandId)).toEqual([created.data!.command.id]);
    const after = await metrics();
    expect(pollCount(after)).toBe(before + 1);
    expect(after).toMatch(/^http_requests_in_flight 1$/m); // the scrape itself
  });

  /** A poll over node:http, to read the Connection header fetch does not show. */
  const rawPoll = (wait: number) =>
    new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = request(`${s.url}/api/v1/agent/${agent.agentId}/commands?wait=${wait}`, { headers: { authorization: `Bearer ${agent.apiKey}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('lets go of its connection while parked: the answer closes it; an answer at once keeps it', async () => {
    const parked = await rawPoll(1);
    expect(parked.status).toBe(200);
    expect(parked.connection).toBe('close');
    expect(JSON.parse(parked.body)).toEqual({ commands: [], cancel: [] });
    const immediate = await rawPoll(0);
    expect(immediate.status).toBe(200);
    expect(immediate.connection).toBe('keep-alive');
  });

  it('answers empty at the end of its wait, the same way', async () => {
    const res = await park(1, 'parked-timeout-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('parked-timeout-1');
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(await res.json()).toEqual({ commands: [], cancel: [] });
  });
});
