/** Plays an agent's side of a command over the agent API: take it, upload output, acknowledge. */
import type { SeededAgent } from './seed.ts';

const headers = (agent: SeededAgent) => ({ 'content-type': 'application/json', 'x-agent-api-key': agent.key });

export async function takeCommand(origin: string, agent: SeededAgent): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${origin}/api/v1/agent/${agent.id}/commands?wait=5`, { headers: headers(agent) });
    if (!res.ok) throw new Error(`poll: ${res.status} ${await res.text()}`);
    const batch = (await res.json()) as { commands: { commandId: string }[] };
    if (batch.commands[0]) return batch.commands[0].commandId;
  }
  throw new Error('no command delivered');
}

export async function uploadOutput(origin: string, agent: SeededAgent, commandId: string, offset: number, data: string): Promise<void> {
  const res = await fetch(`${origin}/api/v1/agent/${agent.id}/commands/${commandId}/logs`, {
    method: 'POST',
    headers: headers(agent),
    body: JSON.stringify({ chunks: [{ offset, stream: 'stdout', data }] }),
  });
  if (!res.ok) throw new Error(`upload: ${res.status} ${await res.text()}`);
}

export async function ack(origin: string, agent: SeededAgent, commandId: string): Promise<void> {
  const now = new Date().toISOString();
  const res = await fetch(`${origin}/api/v1/agent/${agent.id}/commands/${commandId}/ack`, {
    method: 'POST',
    headers: headers(agent),
    body: JSON.stringify({ status: 'succeeded', exitCode: 0, startedAt: now, finishedAt: now }),
  });
  if (!res.ok) throw new Error(`ack: ${res.status} ${await res.text()}`);
}
