/**
 * The simulated fleet: agents enrolled through the API as real agents do (enroll secret, then one enroll
 * call per host, then a first heartbeat that brings the agent online), with bounded concurrency.
 * Without that first heartbeat the heartbeat scenario would measure mostly agents coming online (a write
 * and an event each) instead of the steady state of an online fleet.
 */

export const HEARTBEAT = JSON.stringify({
  timestamp: '2026-07-21T10:00:00.123456789Z',
  health_status: 'healthy',
  metrics: { agent_uptime_secs: 60, cpu_usage_percent: 3.5, memory_usage_mb: 812.3, memory_total_mb: 15987.1, system_uptime_secs: 86400 },
});

export interface FleetAgent {
  id: string;
  /** Header carrying the agent's own API key. */
  headers: Record<string, string>;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; fails on the first error. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failed !== undefined) throw failed;
}

/** Creates an enroll secret with the operator token, then enrolls `count` agents with it and sends each one's first heartbeat. */
export async function enrollFleet(origin: string, auth: Record<string, string>, count: number, concurrency = 32): Promise<FleetAgent[]> {
  const headers = { ...auth, 'content-type': 'application/json' };
  const secretRes = await fetch(`${origin}/api/v1/enroll-secrets`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench' }) });
  if (secretRes.status !== 201) throw new Error(`enroll secret: ${secretRes.status} ${await secretRes.text()}`);
  const { secret } = (await secretRes.json()) as { secret: string };
  const fleet: FleetAgent[] = new Array(count);
  await pool(count, concurrency, async (i) => {
    const res = await fetch(`${origin}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: secret, hostname: `bench-${i}`, os: 'linux', arch: 'x86_64', agentVersion: '1.0.0' }),
    });
    if (res.status !== 201) throw new Error(`enroll ${i}: ${res.status} ${await res.text()}`);
    const { agentId, apiKey } = (await res.json()) as { agentId: string; apiKey: string };
    const agent = { id: agentId, headers: { 'x-agent-api-key': apiKey } };
    fleet[i] = agent;
    const hb = await fetch(`${origin}/api/v1/agent/${agentId}/heartbeat`, { method: 'POST', headers: { ...agent.headers, 'content-type': 'application/json' }, body: HEARTBEAT });
    if (hb.status < 200 || hb.status > 299) throw new Error(`first heartbeat of agent ${i}: ${hb.status} ${await hb.text()}`);
    await hb.arrayBuffer();
  });
  return fleet;
}
