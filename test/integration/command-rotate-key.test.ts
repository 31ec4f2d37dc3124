/**
 * Operator-requested key rotation over real HTTP: an operator sends `rotate_key`, the agent polls it, rotates
 * its own key through `rotateAgentKey` and acks with the new key; the old one is refused once the grace
 * period is over. Smotra-claimed agents do not declare the capability: their execution is skipped. Viewers
 * may not send it. SQLite and Postgres.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

describe.each(dialects())('rotate_key commands on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let enrolled: { agentId: string; apiKey: string };
  let claimedId: string;
  beforeAll(async () => {
    s = await startTestServer({ dialect, config: (c) => Object.assign(c.agents, { keyRotationGraceSec: 0 }) });
    enrolled = await enrollAgent(s.client, await enrollmentSecret(s.client), { capabilities: ['heartbeat', 'commands', 'rotate_key'] });
    claimedId = `0198f0a2-6c1e-7b3a-9f00-${randomBytes(6).toString('hex')}`;
    const claimToken = randomBytes(32).toString('hex');
    const registration = {
      agentId: claimedId,
      claimTokenHash: createHash('sha256').update(claimToken).digest('hex'),
      hostname: 'smotra-1',
      agentVersion: '0.1.0',
      ipAddresses: [{ ip: '10.0.0.9', iface: 'eth0', family: 'ipv4', recommended: true }],
    };
    const reg = await s.fetch('/api/v1/agent/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(registration) });
    expect(reg.status).toBe(201);
    expect((await s.client.POST('/api/v1/agents/claim', { body: { agentId: claimedId, claimToken } })).response.status).toBe(200);
  });
  afterAll(() => s.close());

  const headers = (key: string) => ({ 'x-agent-api-key': key, 'content-type': 'application/json' });
  const agentGet = (key: string) => s.fetch(`/api/v1/agent/${enrolled.agentId}/configuration`, { headers: headers(key) });

  it('the enrolled agent rotates its own key on request; the old key is refused afterwards', async () => {
    const sent = await s.client.POST('/api/v1/commands', { body: { type: 'rotate_key', targets: { agentIds: [enrolled.agentId, claimedId] }, ttlSec: 600 } });
    expect(sent.response.status).toBe(201);
    const command = sent.data!.command;
    expect(command).toMatchObject({ type: 'rotate_key', payload: {}, counts: { pending: 1, skipped: 1 } });

    const oldKey = enrolled.apiKey;
    const polled = await s.clientFor(oldKey).GET('/api/v1/agent/{agentId}/commands', { params: { path: { agentId: enrolled.agentId }, query: { wait: 0 } } });
    expect(polled.data!.commands).toEqual([expect.objectContaining({ commandId: command.id, type: 'rotate_key', payload: {} })]);

    const rotated = await s.fetch(`/api/v1/agent/${enrolled.agentId}/rotate-key`, { method: 'POST', headers: headers(oldKey) });
    expect(rotated.status).toBe(200);
    const { apiKey: newKey } = (await rotated.json()) as { apiKey: string };
    expect(newKey).not.toBe(oldKey);

    const now = new Date().toISOString();
    const ack = await s.fetch(`/api/v1/agent/${enrolled.agentId}/commands/${command.id}/ack`, {
      method: 'POST',
      headers: headers(newKey),
      body: JSON.stringify({ status: 'succeeded', exitCode: 0, startedAt: now, finishedAt: now }),
    });
    expect(ack.status).toBe(200);

    expect((await agentGet(oldKey)).status).toBe(401);
    expect((await agentGet(newKey)).status).toBe(200);

    const executions = await s.client.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId: command.id } } });
    const byAgent = Object.fromEntries(executions.data!.items.map((e) => [e.agentId, e]));
    expect(byAgent[enrolled.agentId]).toMatchObject({ state: 'succeeded' });
    expect(byAgent[claimedId]).toMatchObject({ state: 'skipped', reason: 'capability_missing' });
    // Nothing of the new key reaches the operator's view of the command.
    expect(JSON.stringify(executions.data)).not.toContain(newKey);
  });

  it('takes no payload; viewers may not send it', async () => {
    const body = JSON.stringify({ type: 'rotate_key', payload: { key: 'x' }, targets: { agentIds: [enrolled.agentId] }, ttlSec: 60 });
    const bad = await s.fetch('/api/v1/commands', { method: 'POST', headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' }, body });
    expect(bad.status).toBe(400);
    const viewer = (await s.client.POST('/api/v1/tokens', { body: { name: 'v', role: 'viewer' } })).data!.secret;
    const denied = await s.clientFor(viewer).POST('/api/v1/commands', { body: { type: 'rotate_key', targets: { agentIds: [enrolled.agentId] }, ttlSec: 60 } });
    expect(denied.response.status).toBe(403);
  });
});
