/**
 * `agentry sim` as a real process: 1,000 simulated agents for 30 s against a listening server (SQLite),
 * real intervals compressed 5×, must end with zero errors. Rate limits are raised: every simulated agent
 * shares the one loopback address, which the per-IP limit would otherwise cut.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimResult } from '../../src/sim/run.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

describe('agentry sim', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  const dir = mkdtempSync(join(tmpdir(), 'agentry-sim-'));
  beforeAll(async () => {
    s = await startTestServer({
      config: (c) => Object.assign(c.rateLimits, { ipRatePerSec: 100_000, ipBurst: 100_000, unauthenticatedRatePerSec: 100_000, unauthenticatedBurst: 100_000 }),
    });
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs 1,000 agents for 30 s with zero errors', async () => {
    const json = join(dir, 'sim.json');
    const sim = runCli(['sim', '--server', s.url, '--token', s.adminToken, '--agents', '1000', '--duration', '30', '--rate', '5', '--json', json]);
    const code = await sim.exited;
    const result = JSON.parse(readFileSync(json, 'utf8')) as SimResult;
    expect(result.errorSamples).toEqual([]);
    expect(code).toBe(0);
    expect(result.errors).toBe(0);
    expect(result.online).toBe(1000);
    const kinds = Object.fromEntries(result.kinds.map((k) => [k.kind, k]));
    expect(kinds.enroll!.requests).toBe(1000);
    expect(kinds.inventory!.requests).toBeGreaterThanOrEqual(1000); // one at enrolment; the next is due after 720 s
    for (const kind of ['heartbeat', 'samples', 'results', 'poll']) expect(kinds[kind]!.requests).toBeGreaterThan(1000);
    expect(sim.stdout()).toMatch(/kind\s+requests\s+errors\s+req\/s\s+p50 ms\s+p95 ms/);
    // The server stored what the simulator was told it did.
    const agents = await s.client.GET('/api/v1/agents', { params: { query: { limit: 1 } } });
    expect(agents.response.status).toBe(200);
  }, 180_000);
});
