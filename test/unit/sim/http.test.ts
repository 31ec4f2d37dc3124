/** The simulator's patient send on a real node:http server: 429 and 503 waited out as agents do, and where it stops. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SimHttp } from '../../../src/sim/http.ts';

let server: Server | undefined;
let http: SimHttp | undefined;
afterEach(async () => {
  http?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = http = undefined;
});

/** A server answering each request with the next of `answers` (the last one again once they run out). */
async function serve(answers: { status: number; retryAfter?: string }[]): Promise<{ url: string; seen: () => number[] }> {
  const times: number[] = [];
  server = createServer((_req, res) => {
    const a = answers[Math.min(times.length, answers.length - 1)]!;
    times.push(performance.now());
    res.writeHead(a.status, a.retryAfter === undefined ? {} : { 'retry-after': a.retryAfter });
    res.end('{}');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen: () => times };
}

describe('SimHttp.sendPatiently', () => {
  it('waits out a 429 for its Retry-After and a 503 without one, then returns the answer that went through', async () => {
    const s = await serve([{ status: 429, retryAfter: '1' }, { status: 503 }, { status: 202 }]);
    http = new SimHttp(s.url, 4);
    const throttled: number[] = [];
    const reply = await http.sendPatiently('POST', '/x', {}, '{}', { onThrottled: (r) => throttled.push(r.status), stopped: () => false });
    expect(reply.status).toBe(202);
    expect(reply.dropped).toBeUndefined();
    expect(throttled).toEqual([429, 503]);
    const [first, second] = s.seen();
    // Retry-After: 1 s, plus at most 200 ms of jitter.
    expect(second! - first!).toBeGreaterThanOrEqual(990);
    expect(second! - first!).toBeLessThan(1500);
  });

  it('gives up after ten attempts and returns the last 429 (a failure for the caller)', async () => {
    const s = await serve([{ status: 429, retryAfter: '0' }]);
    http = new SimHttp(s.url, 4);
    let throttled = 0;
    const reply = await http.sendPatiently('GET', '/x', {}, undefined, { onThrottled: () => throttled++, stopped: () => false });
    expect(reply.status).toBe(429);
    expect(reply.dropped).toBeUndefined();
    expect(s.seen()).toHaveLength(10);
    expect(throttled).toBe(10);
  });

  it('drops a throttled request once the simulation has stopped instead of sending it again', async () => {
    const s = await serve([{ status: 503, retryAfter: '0' }]);
    http = new SimHttp(s.url, 4);
    let stopped = false;
    const reply = await http.sendPatiently('GET', '/x', {}, undefined, { onThrottled: () => (stopped = true), stopped: () => stopped });
    expect(reply).toMatchObject({ status: 503, dropped: true });
    expect(s.seen()).toHaveLength(1);
  });

  it('returns other answers at once, errors included', async () => {
    const s = await serve([{ status: 400 }]);
    http = new SimHttp(s.url, 4);
    const reply = await http.sendPatiently('GET', '/x', {}, undefined, { onThrottled: () => expect.fail('not throttled'), stopped: () => false });
    expect(reply.status).toBe(400);
    expect(s.seen()).toHaveLength(1);
  });
});
