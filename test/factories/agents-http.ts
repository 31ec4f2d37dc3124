/** Agents made over HTTP the way real ones are: an enrollment secret, then `POST /agent/enroll`. */
import type { AgentryClient } from '../../generated/client.ts';

export async function enrollmentSecret(client: AgentryClient, sectionId?: string): Promise<string> {
  const { data, response } = await client.POST('/api/v1/enroll-secrets', { body: { name: 'fleet', ...(sectionId ? { sectionId } : {}) } });
  if (response.status !== 201) throw new Error(`enroll secret: ${response.status}`);
  return data!.secret;
}

let n = 0;

export async function enrollAgent(client: AgentryClient, secret: string, overrides: Record<string, unknown> = {}) {
  n++;
  const { data, response } = await client.POST('/api/v1/agent/enroll', {
    body: { enrollSecret: secret, hostname: `host-${n}`, os: 'linux', arch: 'x86_64', agentVersion: '1.0.0', capabilities: ['heartbeat', 'inventory', 'teleport'], ...overrides },
  });
  if (response.status !== 201 && response.status !== 200) throw new Error(`enroll: ${response.status} ${JSON.stringify(data)}`);
  return data!;
}

export const heartbeatBody = {
  timestamp: new Date().toISOString(),
  health_status: 'healthy' as const,
  metrics: { agent_uptime_secs: 1, cpu_usage_percent: 1.5, memory_usage_mb: 10, memory_total_mb: 100, system_uptime_secs: 100 },
};
