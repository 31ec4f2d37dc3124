/**
 * The reference agent's claim workflow as a real process: it registers and prints its id and claim token,
 * an operator claims it with them, the agent receives its key on its next poll, keeps it (mode 0600) and
 * comes online with its heartbeats.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliProcess } from '../helpers/cli.ts';
import { eventually, startAgentProcess, stopProcess } from '../helpers/processes.ts';
import { startTestServer } from '../helpers/server.ts';

describe('reference agent claim workflow', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let agent: CliProcess;
  const dir = mkdtempSync(join(tmpdir(), 'agentry-claim-'));
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    if (agent) await stopProcess(agent, 'SIGKILL');
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a claim token, is claimed by an operator, stores its key and comes online', async () => {
    agent = startAgentProcess(['--server', s.url, '--claim', '--state-dir', dir]);
    const printed = await eventually('the claim token', async () => {
      const out = agent.stdout();
      const id = /agent id:\s+(\S+)/.exec(out)?.[1];
      const token = /claim token:\s+([A-Za-z0-9]{64})/.exec(out)?.[1];
      return id && token ? { id, token } : undefined;
    });
    const { response } = await s.client.POST('/api/v1/agents/claim', { body: { agentId: printed.id, claimToken: printed.token } });
    expect(response.status).toBe(200);
    // The first claim-status poll answers pollIn 5 s: the key arrives on the next one.
    await eventually('the state file', async () => (existsSync(join(dir, 'agent.json')) ? true : undefined), 20_000);
    expect(statSync(join(dir, 'agent.json')).mode & 0o777).toBe(0o600);
    const online = await eventually('the agent online', async () => {
      const { data } = await s.client.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: printed.id } } });
      return data?.online && data.status === 'active' ? data : undefined;
    });
    expect(online.enrolledVia).toBe('claim');
  }, 60_000);
});
