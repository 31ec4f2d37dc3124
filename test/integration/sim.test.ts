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
    const enrolment = Object.fromEntries(result.enrolment.map((k) => [k.kind, k.requests]));
    expect(enrolment).toEqual({ enroll: 1000, inventory: 1000, heartbeat: 1000 });
    // 30 s at intervals ÷ 5: samples, results and polls every 12 s (2–3 each per agent), heartbeats every 60 s (0–1).
    const kinds = Object.fromEntries(result.kinds.map((k) => [k.kind, k.requests]));
    for (const kind of ['samples', 'results', 'poll']) expect(kinds[kind]).toBeGreaterThan(1500);
    expect(kinds.heartbeat).toBeGreaterThan(100);
    expect(sim.stdout()).toMatch(/kind\s+requests\s+errors\s+req\/s\s+p50 ms\s+p95 ms/);
    // The server stored what the simulator was told it did.
    const agents = await s.client.GET('/api/v1/agents', { params: { query: { limit: 1 } } });
    expect(agents.response.status).toBe(200);
  }, 180_000);
});
