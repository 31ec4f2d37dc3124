/** Seeds a test server with what the console shows: agents (with keys), telemetry, a pending Smotra registration. */
import { createHash, randomBytes } from 'node:crypto';
import type { AgentRecord } from '../../src/domain/agent.ts';
import type { Repositories } from '../../src/repositories/types.ts';
import { newId } from '../../src/services/ids.ts';
import { agentKey, agentRow } from '../factories/agents.ts';

export interface SeededAgent {
  id: string;
  hostname: string;
  key: string;
}

/** `count` active agents in the tenant; every 7th is linux-arm, every 3rd online, tags by index. */
export async function seedAgents(repos: Repositories, tenantId: string, count: number, overrides: (i: number) => Partial<AgentRecord> = () => ({})): Promise<SeededAgent[]> {
  const out: SeededAgent[] = [];
  for (let i = 0; i < count; i++) {
    const key = agentKey();
    const n = String(i).padStart(5, '0');
    const row = agentRow(tenantId, {
      hostname: `web-${n}`,
      name: `web ${n}`,
      os: i % 7 === 0 ? 'darwin' : 'linux',
      arch: 'amd64',
      agentVersion: i % 2 === 0 ? '1.4.0' : '1.5.1',
      tags: i % 5 === 0 ? ['db'] : ['web'],
      capabilities: ['run_command'],
      keyHash: key.keyHash,
      keyPrefix: key.keyPrefix,
      ...overrides(i),
    });
    await repos.agents.insert(row, {});
    out.push({ id: row.id, hostname: row.hostname, key: key.secret });
  }
  return out;
}

/** One day of `cpu.usage` at 10 s resolution (8,640 samples), sent as the agent would. */
export async function seedDayOfTelemetry(origin: string, agent: SeededAgent, metric = 'cpu.usage'): Promise<number> {
  const step = 10_000;
  const end = Math.floor(Date.now() / step) * step - step;
  const samples = Array.from({ length: 8640 }, (_, i) => ({ metric, value: 50 + 40 * Math.sin(i / 200), ts: new Date(end - (8639 - i) * step).toISOString() }));
  for (let i = 0; i < samples.length; i += 1000) {
    const res = await fetch(`${origin}/api/v1/agent/${agent.id}/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-agent-api-key': agent.key },
      body: JSON.stringify({ samples: samples.slice(i, i + 1000) }),
    });
    if (!res.ok) throw new Error(`telemetry seed: ${res.status} ${await res.text()}`);
  }
  return samples.length;
}

/** A Smotra agent's self-registration; returns the claim token its log would print. */
export async function registerSmotra(origin: string, hostname: string): Promise<{ agentId: string; claimToken: string }> {
  const agentId = newId();
  const claimToken = randomBytes(16).toString('hex');
  const body = {
    agentId,
    claimTokenHash: createHash('sha256').update(claimToken).digest('hex'),
    hostname,
    agentVersion: '0.9.0',
    ipAddresses: [{ ip: '192.0.2.10', iface: 'eth0', family: 'ipv4', recommended: true }],
  };
  const res = await fetch(`${origin}/api/v1/agent/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`register: ${res.status} ${await res.text()}`);
  return { agentId, claimToken };
}
