/**
 * The request deadline covers the whole request, not only the handler: a request whose body never
 * finishes arriving (read before the handler, like authentication) is answered 504 at the deadline.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { startTestServer } from '../helpers/server.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('request deadline', () => {
  it('answers 504 when the body stalls before the handler runs', async () => {
    const s = await startTestServer({ config: (c) => (c.server.requestTimeoutMs = 400) });
    cleanups.push(() => s.close());
    const { agentId, apiKey } = await enrollAgent(s.client, await enrollmentSecret(s.client));
    const started = performance.now();
    const { status, type } = await new Promise<{ status: number; type: string }>((resolve, reject) => {
      const url = new URL(`${s.url}/api/v1/agent/${agentId}/heartbeat`);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000', 'x-agent-api-key': apiKey } },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += String(d)));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, type: (JSON.parse(text) as { type: string }).type });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      // Part of the body, then nothing more.
      req.write('{"timestamp":');
    });
    expect(status).toBe(504);
    expect(type).toBe('https://agentry.dev/problems/timeout');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keeps serving when a client goes away in the middle of a JSON body, with nothing left in flight', async () => {
    const s = await startTestServer();
    cleanups.push(() => s.close());
    const { agentId, apiKey } = await enrollAgent(s.client, await enrollmentSecret(s.client));
    const url = new URL(`${s.url}/api/v1/agent/${agentId}/results`);
    // The scrape counts itself.
    const inFlight = async () => Number(/^http_requests_in_flight (\d+)/m.exec(await (await fetch(`${s.url}/metrics`)).text())?.[1]);
    const idle = await inFlight();
    // Half of a declared body, then the connection is dropped.
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '4000', 'x-agent-api-key': apiKey } });
      req.on('error', () => resolve());
      req.write('{"results":[{"id":"', () => setTimeout(() => req.destroy(), 100));
      req.on('close', () => resolve());
    });
    const deadline = Date.now() + 5000;
    while ((await inFlight()) > idle && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await inFlight()).toBe(idle);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
