/** Previewing a command's targets over real HTTP: the same resolution as sending, nothing stored, tenant-scoped; SQLite and Postgres. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import { tenantWithToken } from '../factories/tenants.ts';
import { dialects, startTestServer } from '../helpers/server.ts';

const RUNS_ALL = ['heartbeat', 'commands', 'run_command', 'update_agent', 'update_package'];

describe.each(dialects())('command target preview on %s', (dialect) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let sectionId: string;
  /** web1, web2 in the section (tag web) run everything; db1 (tag db) runs only run_command; old1 (tag web) declares no command type. */
  const agents: Record<string, { agentId: string; apiKey: string }> = {};
  beforeAll(async () => {
    s = await startTestServer({ dialect });
    sectionId = (await s.client.POST('/api/v1/sections', { body: { name: 'berlin' } })).data!.id;
    const inSection = await enrollmentSecret(s.client, sectionId);
    const plain = await enrollmentSecret(s.client);
    agents.web1 = await enrollAgent(s.client, inSection, { tags: ['web'], capabilities: RUNS_ALL, hostname: 'web-1' });
    agents.web2 = await enrollAgent(s.client, inSection, { tags: ['web'], capabilities: RUNS_ALL, hostname: 'web-2' });
    agents.db1 = await enrollAgent(s.client, plain, { tags: ['db'], capabilities: ['run_command'], hostname: 'db-1' });
    agents.old1 = await enrollAgent(s.client, plain, { tags: ['web'], capabilities: ['heartbeat'], hostname: 'old-1' });
  });
  afterAll(() => s.close());

  const preview = (body: Record<string, unknown>, token = s.adminToken, limit?: number) =>
    s.fetch(`/api/v1/commands/preview${limit ? `?limit=${limit}` : ''}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ids = (...names: string[]) => names.map((n) => agents[n]!.agentId).sort();

  it('resolves every tag, and splits the agents into those that would run and those skipped, with the reason', async () => {
    const res = await preview({ type: 'update_agent', targets: { tags: ['web', 'db'] } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; runnable: number; agents: { id: string; hostname: string }[]; skipped: { id: string; reason: string }[] };
    expect(body).toMatchObject({ total: 4, runnable: 2 });
    expect(body.agents.map((a) => a.id)).toEqual(ids('web1', 'web2'));
    expect(body.agents.map((a) => a.hostname).sort()).toEqual(['web-1', 'web-2']);
    expect(body.skipped.map((a) => a.id)).toEqual(ids('db1', 'old1'));
    expect(body.skipped.every((a) => a.reason === 'capability_missing')).toBe(true);
  });

  it('lists the first `limit` of each, with the full counts', async () => {
    const body = (await (await preview({ type: 'update_agent', targets: { tags: ['web', 'db'] } }, s.adminToken, 1)).json()) as { total: number; runnable: number; agents: unknown[]; skipped: unknown[] };
    expect(body).toMatchObject({ total: 4, runnable: 2 });
    expect([body.agents.length, body.skipped.length]).toEqual([1, 1]);
  });

  it('resolves a section and agent ids as sending does; targets selecting nothing answer a total of 0', async () => {
    const bySection = (await (await preview({ type: 'run_command', targets: { sectionId } })).json()) as { agents: { id: string }[] };
    expect(bySection.agents.map((a) => a.id)).toEqual(ids('web1', 'web2'));
    const byIds = (await (await preview({ type: 'run_command', targets: { agentIds: ids('db1', 'old1') } })).json()) as { runnable: number; skipped: { id: string }[] };
    expect(byIds.runnable).toBe(1);
    expect(byIds.skipped.map((a) => a.id)).toEqual(ids('old1'));
    expect(await (await preview({ type: 'run_command', targets: { tags: ['nothing-here'] } })).json()).toEqual({ total: 0, runnable: 0, agents: [], skipped: [] });
  });

  it('creates nothing', async () => {
    await preview({ type: 'run_command', targets: { tags: ['web'] } });
    const { data } = await s.client.GET('/api/v1/commands');
    expect(data!.items).toEqual([]);
  });

  it('refuses bad bodies with a 400 and answers unknown ids with a 404', async () => {
    expect((await preview({ targets: { tags: ['web'] } })).status).toBe(400);
    expect((await preview({ type: 'reboot', targets: { tags: ['web'] } })).status).toBe(400);
    expect((await preview({ type: 'run_command', targets: {} })).status).toBe(400);
    expect((await preview({ type: 'run_command', targets: { agentIds: ['0190a0a0-0000-7000-8000-000000000000'] } })).status).toBe(404);
  });

  it('is scoped to the tenant: another tenant cannot see our agents or section through it', async () => {
    const other = await tenantWithToken(s.repos, 'admin');
    expect((await preview({ type: 'run_command', targets: { agentIds: ids('web1') } }, other.secret)).status).toBe(404);
    expect((await preview({ type: 'run_command', targets: { sectionId } }, other.secret)).status).toBe(404);
    expect(await (await preview({ type: 'run_command', targets: { tags: ['web'] } }, other.secret)).json()).toEqual({ total: 0, runnable: 0, agents: [], skipped: [] });
  });

  it('takes the roles of sending: operators may, viewers may not', async () => {
    const operator = await tenantWithToken(s.repos, 'operator');
    const viewer = await tenantWithToken(s.repos, 'viewer');
    expect((await preview({ type: 'run_command', targets: { tags: ['web'] } }, operator.secret)).status).toBe(200);
    expect((await preview({ type: 'run_command', targets: { tags: ['web'] } }, viewer.secret)).status).toBe(403);
  });
});
