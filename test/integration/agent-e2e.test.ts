/**
 * The server and the reference agent as real processes on loopback. The agent enrolls and its inventory
 * shows up; an operator runs `echo hello` and reads `hello`; the server is stopped for 10 s and started
 * again, and every sample and result the agent produced meanwhile arrives exactly once; the agent is
 * SIGKILLed with items queued and, restarted, delivers them; an operator's rotate_key gives it a new key it
 * saves and uses.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, ok, type AgentryClient } from '../../src/sdk/index.ts';
import type { CliProcess } from '../helpers/cli.ts';
import { eventually, startAgentProcess, startServerProcess, stopProcess, type ServerProcess } from '../helpers/processes.ts';
import { freePort } from '../helpers/ports.ts';
import { generateSecret } from '../../src/services/secrets.ts';
import { loadState } from '../../src/agent/state.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The counters the agent puts in its status reports. */
interface AgentCounters {
  samples_collected: number;
  checks_performed: number;
  outbox_pending: number;
  outbox_dropped: number;
  outbox_rejected: number;
}

/** Operations that can also answer text (SSE, CSV) are typed as `T | string`; these tests ask for JSON. */
function json<T>(body: T | string): T {
  if (typeof body === 'string') throw new Error(`expected JSON, got text: ${body.slice(0, 200)}`);
  return body;
}

describe('reference agent end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-e2e-'));
  const stateDir = join(dir, 'agent');
  const adminToken = generateSecret('opk');
  const databaseUrl = `sqlite:${join(dir, 'agentry.db')}`;
  let port: number;
  let server: ServerProcess;
  let agent: CliProcess;
  let api: AgentryClient;
  let secret: string;
  let agentId: string;
  let endpointId: string;
  let policyId: string;
  let target: Server; // what the agent's tcpconnect check reaches
  const startServer = async () => {
    server = await startServerProcess({ port, databaseUrl, adminToken });
  };
  const startAgent = () => {
    agent = startAgentProcess(['--server', server.url, '--enroll-secret', secret, '--state-dir', stateDir, '--log-level', process.env.E2E_LOGS ? 'debug' : 'info']);
  };
  const status = async () => (await ok(api.GET('/api/v1/agents/{agentId}', { params: { path: { agentId } } }))).latestStatus as AgentCounters | null; // keys the reference agent reports

  beforeAll(async () => {
    port = await freePort();
    await startServer();
    api = createClient({ baseUrl: server.url, token: adminToken, retry: { retries: 10 } });
    target = createServer((s) => s.destroy());
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetPort = (target.address() as { port: number }).port; // a TCP listener's address is an AddressInfo
    secret = (await ok(api.POST('/api/v1/enroll-secrets', { body: { name: 'e2e' } }))).secret;
    endpointId = (await ok(api.POST('/api/v1/endpoints', { body: { name: 'local', address: '127.0.0.1', checkType: 'tcpconnect', port: targetPort, intervalSec: 1, timeoutSec: 1 } }))).id;
    const body = { heartbeatIntervalSecs: 1, reportIntervalSecs: 1, collectionIntervalSecs: 1, endpoints: { ids: [endpointId] } };
    policyId = (await ok(api.POST('/api/v1/policies', { body: { name: 'fast', scope: 'tenant', body } }))).id;
  }, 90_000);

  afterAll(async () => {
    // E2E_LOGS=<file> keeps the last agent process's log (at debug level) for a failure's post-mortem.
    if (process.env.E2E_LOGS) writeFileSync(process.env.E2E_LOGS, agent.stdout() + agent.stderr());
    if (agent) await stopProcess(agent, 'SIGKILL');
    if (server) await stopProcess(server.proc, 'SIGKILL');
    target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls, keeps its key in a 0600 state file, and its inventory shows up', async () => {
    startAgent();
    const listed = await eventually('the agent to enroll', async () => (await ok(api.GET('/api/v1/agents'))).items[0]);
    agentId = listed.id;
    await eventually('the state file', async () => (existsSync(join(stateDir, 'agent.json')) ? true : undefined));
    expect(statSync(join(stateDir, 'agent.json')).mode & 0o777).toBe(0o600);
    const inventory = await eventually('inventory', async () => {
      const { data, response } = await api.GET('/api/v1/agents/{agentId}/inventory', { params: { path: { agentId } } });
      return response.status === 200 ? data : undefined;
    });
    expect(inventory!.snapshot.kernel).toBeTruthy();
    expect(inventory!.snapshot.memory?.totalBytes).toBeGreaterThan(0);
    expect(inventory!.snapshot.networkInterfaces?.length).toBeGreaterThan(0);
  }, 60_000);

  it('runs `echo hello` for an operator, who reads hello from the output endpoint', async () => {
    const created = await ok(api.POST('/api/v1/commands', { body: { type: 'run_command', payload: { cmd: 'echo', args: ['hello'], timeoutSec: 10 }, targets: { agentIds: [agentId] }, ttlSec: 60 } }));
    const commandId = created.command.id;
    const output = await eventually('the command to finish', async () => {
      const out = json(await ok(api.GET('/api/v1/commands/{commandId}/executions/{agentId}/output', { params: { path: { commandId, agentId }, query: { stream: 'stdout' } } })));
      return out.state === 'succeeded' ? out : undefined;
    });
    expect(output.data).toBe('hello\n');
  }, 60_000);

  it('queues through a 10 s server outage and delivers everything exactly once', async () => {
    await sleep(1500);
    const before = await status();
    await server.stop();
    const down = Date.now();
    await sleep(10_000);
    await startServer();
    const up = Date.now();
    // Produced during the outage: the counters the agent reports moved on while nothing could be sent.
    const after = await eventually('a status report after the restart', async () => {
      const s = await status();
      return s && s.samples_collected > (before?.samples_collected ?? 0) + 5 ? s : undefined;
    });
    expect(after.samples_collected).toBeGreaterThan(0);
    // What was collected while the server was down arrives once the outbox drains (about one a second).
    await eventually('the samples collected during the outage', async () => ((await sequencePoints(down, up)) >= 8 ? true : undefined));
  }, 90_000);

  it('resumes its outbox after a SIGKILL, then every sample and result has arrived once', async () => {
    await server.stop();
    await sleep(3000); // items queue up
    await stopProcess(agent, 'SIGKILL');
    const db = new Database(join(stateDir, 'outbox.db'), { readonly: true });
    const queued = Number(db.prepare('select count(*) from outbox').pluck().get());
    db.close();
    expect(queued).toBeGreaterThan(0);
    await startServer();
    startAgent();
    // Stop producing: no more samples (hourly collection) and no more checks (endpoint no longer selected).
    const current = await ok(api.GET('/api/v1/policies/{policyId}', { params: { path: { policyId } } }));
    await ok(
      api.PATCH('/api/v1/policies/{policyId}', {
        params: { path: { policyId } },
        body: { body: { heartbeatIntervalSecs: 1, reportIntervalSecs: 1, collectionIntervalSecs: 3600, endpoints: { ids: [] } }, version: current.version },
      }),
    );
    await eventually(
      'every sample and result to arrive',
      async () => {
        const s = await status();
        if (!s || s.outbox_pending > 0) return undefined;
        const seq = await sequenceStats();
        const checks = await resultCount();
        return seq.count === s.samples_collected && seq.max === s.samples_collected && checks === s.checks_performed ? { s, seq, checks } : undefined;
      },
      60_000,
    );
    const s = (await status())!;
    expect(s.outbox_dropped).toBe(0);
    expect(s.outbox_rejected).toBe(0);
    expect(s.checks_performed).toBeGreaterThan(10);
  }, 120_000);

  it('rotates its own key when an operator sends rotate_key: saved (0600) before the ack, and used from then on', async () => {
    const before = (await ok(api.GET('/api/v1/agents/{agentId}', { params: { path: { agentId } } }))).keyPrefix;
    const oldKey = loadState(stateDir)!.apiKey;
    const created = await ok(api.POST('/api/v1/commands', { body: { type: 'rotate_key', targets: { agentIds: [agentId] }, ttlSec: 60 } }));
    const commandId = created.command.id;
    const execution = await eventually('the rotation to finish', async () => {
      const page = await ok(api.GET('/api/v1/commands/{commandId}/executions', { params: { path: { commandId } } }));
      return page.items.find((e) => e.state !== 'pending' && e.state !== 'delivered' && e.state !== 'running');
    });
    expect(execution).toMatchObject({ state: 'succeeded', error: null });
    const saved = loadState(stateDir)!;
    expect(saved.apiKey).not.toBe(oldKey);
    expect(statSync(join(stateDir, 'agent.json')).mode & 0o777).toBe(0o600);
    const after = (await ok(api.GET('/api/v1/agents/{agentId}', { params: { path: { agentId } } }))).keyPrefix;
    expect(after).not.toBe(before);
    expect(saved.apiKey.startsWith(after!)).toBe(true);
    // The agent keeps working with the new key: a command afterwards is polled and acked.
    const echo = await ok(api.POST('/api/v1/commands', { body: { type: 'run_command', payload: { cmd: 'echo', args: ['rotated'], timeoutSec: 10 }, targets: { agentIds: [agentId] }, ttlSec: 60 } }));
    const output = await eventually('the command after the rotation', async () => {
      const out = json(await ok(api.GET('/api/v1/commands/{commandId}/executions/{agentId}/output', { params: { path: { commandId: echo.command.id, agentId }, query: { stream: 'stdout' } } })));
      return out.state === 'succeeded' ? out : undefined;
    });
    expect(output.data).toBe('rotated\n');
  }, 60_000);

  it('stops with a clear message and exit code 3 once its key is revoked, without retrying', async () => {
    await ok(api.POST('/api/v1/agents/{agentId}/revoke-key', { params: { path: { agentId } } }));
    const code = await Promise.race([agent.exited, sleep(20_000).then(() => 'still running')]);
    expect(code).toBe(3);
    expect(agent.stdout() + agent.stderr()).toMatch(/rejected this agent's key.*revoked/);
  }, 30_000);

  /** Samples of `agent.sequence` stored between two times. */
  async function sequencePoints(from: number, to: number): Promise<number> {
    const series = await ok(
      api.GET('/api/v1/agents/{agentId}/telemetry', {
        params: { path: { agentId }, query: { metric: 'agent.sequence', from: new Date(from).toISOString(), to: new Date(to).toISOString(), step: 1, agg: 'max' } },
      }),
    );
    return series.points.reduce((n, p) => n + p.count, 0);
  }

  /** How many `agent.sequence` samples are stored, and the highest sequence number. */
  async function sequenceStats(): Promise<{ count: number; max: number }> {
    const series = await ok(
      api.GET('/api/v1/agents/{agentId}/telemetry', {
        params: { path: { agentId }, query: { metric: 'agent.sequence', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), step: 60, agg: 'max' } },
      }),
    );
    return { count: series.points.reduce((n, p) => n + p.count, 0), max: Math.max(0, ...series.points.map((p) => p.value)) };
  }

  async function resultCount(): Promise<number> {
    const report = json(
      await ok(
        api.GET('/api/v1/results/report', {
          params: { query: { endpointId, agentId, from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(), aggregation: '1h' } },
        }),
      ),
    );
    return report.buckets.reduce((n, b) => n + b.checks, 0);
  }
});
