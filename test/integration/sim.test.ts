/**
 * `agentry sim` as a real process: 1,000 simulated agents for 30 s against a listening server (SQLite),
 * real intervals compressed 5×, must end with zero errors. Rate limits are raised: every simulated agent
 * shares the one loopback address, which the per-IP limit would otherwise cut. Against a server that does
 * cut it, the simulator waits out the 429s as agents do and still ends with every agent enrolled.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimResult } from '../../src/sim/run.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentry-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `agentry sim` against the server to its end: its exit code, its --json summary and its output. */
async function runSim(s: { url: string; adminToken: string }, agents: number, durationSec: number, rate: number) {
  const json = join(dir, `sim-${agents}-${durationSec}.json`);
  const sim = runCli(['sim', '--server', s.url, '--token', s.adminToken, '--agents', String(agents), '--duration', String(durationSec), '--rate', String(rate), '--json', json]);
  const code = await sim.exited;
  return { code, result: JSON.parse(readFileSync(json, 'utf8')) as SimResult, stdout: sim.stdout() };
}

describe('agentry sim', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({
      config: (c) => Object.assign(c.rateLimits, { ipRatePerSec: 100_000, ipBurst: 100_000, unauthenticatedRatePerSec: 100_000, unauthenticatedBurst: 100_000 }),
    });
  });
  afterAll(() => s.close());

  it('runs 1,000 agents for 30 s with zero errors', async () => {
    const { code, result, stdout } = await runSim(s, 1000, 30, 5);
    expect(result.errorSamples).toEqual([]);
    expect(code).toBe(0);
    expect(result.errors).toBe(0);
    // Rate limits are raised: a 429 or 503 here would be the server shedding load.
    expect(result.throttled).toBe(0);
    expect(result.online).toBe(1000);
    const enrolment = Object.fromEntries(result.enrolment.map((k) => [k.kind, k.requests]));
    expect(enrolment).toEqual({ enroll: 1000, inventory: 1000, heartbeat: 1000 });
    // 30 s at intervals ÷ 5: samples, results and polls every 12 s (2–3 each per agent), heartbeats every 60 s (0–1).
    const kinds = Object.fromEntries(result.kinds.map((k) => [k.kind, k.requests]));
    for (const kind of ['samples', 'results', 'poll']) expect(kinds[kind]).toBeGreaterThan(1500);
    expect(kinds.heartbeat).toBeGreaterThan(100);
    expect(stdout).toMatch(/kind\s+requests\s+errors\s+req\/s\s+p50 ms\s+p95 ms/);
    // The server stored what the simulator was told it did.
    const agents = await s.client.GET('/api/v1/agents', { params: { query: { limit: 1 } } });
    expect(agents.response.status).toBe(200);
  }, 180_000);
});

describe('agentry sim against rate limits', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    // Enrolment is unauthenticated: at most 5 at once and 5 per second from the simulator's one address.
    s = await startTestServer({ config: (c) => Object.assign(c.rateLimits, { unauthenticatedRatePerSec: 5, unauthenticatedBurst: 5 }) });
  });
  afterAll(() => s.close());

  it('waits out 429s for their Retry-After: every agent enrolls, no request fails, the throttling is reported', async () => {
    const { code, result, stdout } = await runSim(s, 30, 3, 60);
    expect(result.errorSamples).toEqual([]);
    expect(code).toBe(0);
    expect(result.online).toBe(30);
    const enroll = result.enrolment.find((k) => k.kind === 'enroll')!;
    expect(enroll).toMatchObject({ requests: 30, errors: 0 });
    expect(enroll.throttled).toBeGreaterThan(0);
    expect(result.throttled).toBeGreaterThanOrEqual(enroll.throttled);
    expect(stdout).toMatch(/kind\s+requests\s+errors\s+req\/s\s+p50 ms\s+p95 ms\s+max ms\s+throttled/);
    expect(stdout).toContain(`the server answered ${result.throttled} requests with 429 or 503`);
    const agents = await s.client.GET('/api/v1/agents', { params: { query: { limit: 100 } } });
    expect(agents.data!.items).toHaveLength(30);
  }, 120_000);
});
