/**
 * Replays the Smotra agent's requests byte for byte as PROTOCOL-smotra.md documents them (paths, casing,
 * headers: no Authorization, raw X-Agent-API-Key) and checks that every response parses into the fields
 * the agent requires, with the statuses it accepts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestServer } from '../helpers/server.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** A raw HTTP/1.1 exchange with exactly the agent's headers (no client adds any of its own). */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const url = new URL(base + path);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname,
        headers: { host: url.host, accept: '*/*', ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += String(d)));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const RFC3339_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

describe.each(dialects())('Smotra agent protocol on %s', (dialect) => {
  let s: Server;
  let base: string; // the agent's server.url
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    base = `${s.url}/api/v1`;
  });
  afterAll(() => s.close());

  it('claim workflow, heartbeat and report, exactly as the agent speaks', async () => {
    const agentId = `0198f0a2-6c1e-7b3a-9f00-${randomBytes(6).toString('hex')}`;
    const claimToken = randomBytes(48)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 64);
    const claimTokenHash = createHash('sha256').update(claimToken).digest('hex');

    // 1. POST BASE/agent/register — compact serde_json, struct order.
    const registration = `{"agentId":"${agentId}","claimTokenHash":"${claimTokenHash}","hostname":"host1","agentVersion":"0.1.0","ipAddresses":[{"ip":"10.0.0.5","iface":"eth0","family":"ipv4","recommended":true},{"ip":"fd00::5","iface":"eth0","family":"ipv6","recommended":false}]}`;
    const reg = await raw(base, 'POST', '/agent/register', {}, registration);
    expect(reg.status).toBeGreaterThanOrEqual(200);
    expect(reg.status).toBeLessThan(300);
    const regBody = JSON.parse(reg.text) as Record<string, unknown>;
    expect(regBody.status).toBe('pending_claim');
    expect(regBody.pollUrl).toBe(`/agent/${agentId}/claim-status`);
    expect(typeof regBody.claimUrl).toBe('string');
    expect(regBody.expiresAt).toMatch(RFC3339_WITH_OFFSET);
    // The same process retries with the same token: idempotent.
    expect((await raw(base, 'POST', '/agent/register', {}, registration)).status).toBe(200);

    // 2. GET BASE + pollUrl, no auth: pending with an integer pollIn and a future expiresAt.
    const poll = () => raw(base, 'GET', regBody.pollUrl as string, {});
    const pending = await poll();
    expect(pending.status).toBe(200);
    const p = JSON.parse(pending.text) as { status: string; expiresAt: string; pollIn: number };
    expect(p.status).toBe('pending_claim');
    expect(Number.isInteger(p.pollIn) && p.pollIn >= 1).toBe(true);
    expect(Date.parse(p.expiresAt)).toBeGreaterThan(Date.now());
    expect(JSON.parse((await poll()).text).pollIn).toBe(10); // 5, 10, … 30

    // The operator sees it pending and claims it with the token from the agent's log.
    const { data: pendingList } = await s.client.GET('/api/v1/agents/pending', { params: { query: {} } });
    expect(pendingList!.items.map((i) => i.agentId)).toContain(agentId);
    const wrong = await s.client.POST('/api/v1/agents/claim', { body: { agentId, claimToken: `${claimToken.slice(1)}x` } });
    expect(wrong.response.status).toBe(403);
    const claim = await s.client.POST('/api/v1/agents/claim', { body: { agentId, claimToken, name: 'edge-1' } });
    expect(claim.response.status).toBe(200);
    expect((await s.client.POST('/api/v1/agents/claim', { body: { agentId, claimToken } })).response.status).toBe(409);

    // Concurrent polls: exactly one gets the key; then pending again.
    const polls = await Promise.all([poll(), poll(), poll(), poll()]);
    const bodies = polls.map((r) => {
      expect(r.status).toBe(200);
      return JSON.parse(r.text) as { status: string; apiKey?: string; configUrl?: string; expiresAt?: string; pollIn?: number };
    });
    const claimed = bodies.filter((b) => b.status === 'claimed');
    expect(claimed).toHaveLength(1);
    expect(typeof claimed[0]!.apiKey).toBe('string');
    expect(typeof claimed[0]!.configUrl).toBe('string');
    for (const b of bodies.filter((x) => x.status !== 'claimed')) expect(b).toMatchObject({ status: 'pending_claim', pollIn: expect.any(Number), expiresAt: expect.stringMatching(RFC3339_WITH_OFFSET) });
    expect(JSON.parse((await poll()).text).status).toBe('pending_claim');
    const apiKey = claimed[0]!.apiKey!;
    // Re-registering a claimed id is refused.
    expect((await raw(base, 'POST', '/agent/register', {}, registration)).status).toBe(409);

    // 5. Heartbeat with the raw key: 204 exactly, empty body.
    const heartbeat = `{"timestamp":"2026-07-21T10:00:00.123456789Z","health_status":"healthy","metrics":{"agent_uptime_secs":0,"cpu_usage_percent":0.0,"memory_usage_mb":812.3,"memory_total_mb":15987.1,"system_uptime_secs":86400},"agent_status":{"agent_version":"0.1.0","config_version":1,"is_running":true,"started_at":"2026-07-21T10:00:00.001Z","stopped_at":null,"checks_performed":0,"checks_successful":0,"checks_failed":0,"reported_at":"1970-01-01T00:00:00Z","failed_report_count":0,"server_connected":false,"cache_stats":{"len":0,"capacity":0}}}`;
    const hb = await raw(base, 'POST', `/agent/${agentId}/heartbeat`, { 'x-agent-api-key': apiKey }, heartbeat);
    expect(hb.status).toBe(204);
    expect(hb.text).toBe('');

    // 6. Status report: any 2xx.
    const report = `{"agent_version":"0.1.0","config_version":1,"is_running":true,"started_at":"2026-07-21T10:00:00.001Z","stopped_at":null,"checks_performed":3,"checks_successful":2,"checks_failed":1,"reported_at":"1970-01-01T00:00:00Z","failed_report_count":0,"server_connected":false,"cache_stats":{"len":0,"capacity":0}}`;
    const rep = await raw(base, 'POST', `/agent/${agentId}/report`, { 'x-agent-api-key': apiKey }, report);
    expect(rep.status).toBe(202);

    // The operator sees it online, with its latest status.
    const { data: agent } = await s.client.GET('/api/v1/agents/{agentId}', { params: { path: { agentId } } });
    expect(agent).toMatchObject({ id: agentId, name: 'edge-1', hostname: 'host1', online: true, status: 'active', enrolledVia: 'claim', latestStatus: { checks_performed: 3 } });

    // Wrong or missing key: 401; another agent's id: 403.
    expect((await raw(base, 'POST', `/agent/${agentId}/heartbeat`, { 'x-agent-api-key': `agk_${'x'.repeat(43)}` }, heartbeat)).status).toBe(401);
    expect((await raw(base, 'POST', `/agent/${agentId}/heartbeat`, {}, heartbeat)).status).toBe(401);
    expect((await raw(base, 'POST', `/agent/0198f0a2-6c1e-7b3a-9f00-000000000000/heartbeat`, { 'x-agent-api-key': apiKey }, heartbeat)).status).toBe(403);
  });

  it('unknown ids poll 404; bad registrations are 400 and store nothing', async () => {
    expect((await raw(base, 'GET', '/agent/0198f0a2-6c1e-7b3a-9f00-0000000000ff/claim-status', {})).status).toBe(404);
    const bad = await raw(base, 'POST', '/agent/register', {}, '{"agentId":"nope","claimTokenHash":"XYZ","hostname":"","agentVersion":"0.1.0","ipAddresses":[]}');
    expect(bad.status).toBe(400);
    const errors = (JSON.parse(bad.text) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(errors).toEqual(['body/agentId', 'body/claimTokenHash', 'body/hostname', 'body/ipAddresses']);
  });
});
