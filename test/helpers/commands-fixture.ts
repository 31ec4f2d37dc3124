/**
 * The fleet the commands integration tests share, per dialect: a server with small output caps, a section,
 * and four agents (web-1, web-2 in the section with tag web; db-1 with tag db, running only run_command;
 * old-1 with tag web, declaring no command type), plus the requests the tests make.
 */
import { afterAll, beforeAll } from 'vitest';
import { enrollAgent, enrollmentSecret } from '../factories/agents-http.ts';
import type { Schema } from '../../src/handlers/presenters/schemas.ts';
import { type Dialect, startTestServer } from './server.ts';

export const RUNS_ALL = ['heartbeat', 'commands', 'run_command', 'update_agent', 'update_package'];
export const run = { cmd: 'uptime', timeoutSec: 30 };
export const finished = { status: 'succeeded', exitCode: 0, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' };

/** Registers the server's start and stop with the enclosing describe; `s` and `sectionId` are there once it has started. */
export function commandsFixture(dialect: Dialect) {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let sectionId: string;
  /** web-1, web-2 in the section (tag web); db-1 (tag db) runs only run_command; old-1 (tag web) declares no command type. */
  const agents: Record<string, { agentId: string; apiKey: string }> = {};
  beforeAll(async () => {
    s = await startTestServer({
      dialect,
      config: (c) => {
        c.commands.maxOutputBytes = 32;
        c.commands.maxUploadBytes = 64;
        c.commands.expiryCheckIntervalSec = 1;
      },
    });
    sectionId = (await s.client.POST('/api/v1/sections', { body: { name: 'berlin' } })).data!.id;
    const inSection = await enrollmentSecret(s.client, sectionId);
    const plain = await enrollmentSecret(s.client);
    agents.web1 = await enrollAgent(s.client, inSection, { tags: ['web'], capabilities: RUNS_ALL });
    agents.web2 = await enrollAgent(s.client, inSection, { tags: ['web'], capabilities: RUNS_ALL });
    agents.db1 = await enrollAgent(s.client, plain, { tags: ['db'], capabilities: ['run_command'] });
    agents.old1 = await enrollAgent(s.client, plain, { tags: ['web'], capabilities: ['heartbeat'] });
  });
  afterAll(() => s.close());

  const submit = (body: Record<string, unknown>, token = s.adminToken, key?: string) =>
    s.fetch('/api/v1/commands', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
  /** A valid command, sent as the admin through the typed client. */
  const create = async (body: Schema<'CommandCreate'>) => {
    const { data, response } = await s.client.POST('/api/v1/commands', { body });
    if (response.status !== 201) throw new Error(`create command: ${response.status}`);
    return data!;
  };
  const poll = (name: string, wait = 0) => s.clientFor(agents[name]!.apiKey).GET('/api/v1/agent/{agentId}/commands', { params: { path: { agentId: agents[name]!.agentId }, query: { wait } } });
  const ack = (name: string, commandId: string, body: Record<string, unknown>) =>
    s.fetch(`/api/v1/agent/${agents[name]!.agentId}/commands/${commandId}/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agents[name]!.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const upload = (name: string, commandId: string, chunks: { offset: number; stream: 'stdout' | 'stderr'; data: string }[]) =>
    s.fetch(`/api/v1/agent/${agents[name]!.agentId}/commands/${commandId}/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agents[name]!.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chunks }),
    });
  const output = async (commandId: string, name: string, query: { stream?: 'stdout' | 'stderr'; fromOffset?: number } = {}) => {
    const { data } = await s.client.GET('/api/v1/commands/{commandId}/executions/{agentId}/output', { params: { path: { commandId, agentId: agents[name]!.agentId }, query } });
    if (data === undefined || typeof data === 'string') throw new Error('expected the JSON answer');
    return data;
  };
  const commandCount = async () => (await s.client.GET('/api/v1/commands', { params: { query: { limit: 1000 } } })).data!.items.length;
  const drain = async () => {
    for (const name of Object.keys(agents)) await poll(name);
  };

  return {
    get s() {
      return s;
    },
    get sectionId() {
      return sectionId;
    },
    agents,
    submit,
    create,
    poll,
    ack,
    upload,
    output,
    commandCount,
    drain,
  };
}
