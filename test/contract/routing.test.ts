/** Every operation in the contract is routed to its own handler, and every route of the app is in the contract. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationTable, type OperationId } from '../../generated/operations.ts';
import type { HandlerMap } from '../../src/handlers/types.ts';
import { newId } from '../../src/services/ids.ts';
import { generateSecret, hashSecret } from '../../src/services/secrets.ts';
import { agentKey, agentRow } from '../factories/agents.ts';
import { createTestApp } from '../helpers/app.ts';
import { findOperation } from '../helpers/contract.ts';
import document from '../../generated/openapi.json' with { type: 'json' };

const t = await createTestApp();
afterAll(() => t.close());

const toHono = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');
const routes = t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);

describe('routing follows the contract', () => {
  it('the operation table lists every operation of the document, once', () => {
    const fromDocument = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const fromTable = operationTable.map((o) => `${o.method} ${o.path}`);
    expect(new Set(fromTable)).toEqual(new Set(fromDocument));
    expect(new Set(operationTable.map((o) => o.operationId)).size).toBe(operationTable.length);
  });

  it.each(operationTable.map((o) => [o.operationId, o] as const))('%s is registered on the router', (_id, op) => {
    expect(routes).toContain(`${op.method} ${toHono(op.path)}`);
  });

  it('every registered route is an operation of the contract', () => {
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const concrete = path.replace(/:[^/]+/g, '00000000-0000-7000-8000-000000000000');
      expect(findOperation(method, concrete), route).toBeDefined();
    }
  });
});

/**
 * Each operation's route runs that operation: with every handler replaced by a recorder, a request with the
 * right credentials and a valid input reaches the handler of the operation it names (not a neighbour whose
 * template also matches), and the same request without credentials gets the 401 the contract declares for
 * secured operations, before any handler. Bodies are written here by hand from the contract's schemas.
 */
describe('each operation reaches its own handler', () => {
  const id = '00000000-0000-7000-8000-000000000000';
  const bodies: Partial<Record<OperationId, unknown>> = {
    createToken: { name: 'probe', role: 'viewer' },
    createTenantToken: { name: 'probe', role: 'admin' },
    introspectToken: { token: 'opk_probe' },
    createSession: { token: 'opk_probe' },
    createTenant: { name: 'probe' },
    createSection: { name: 'Probe' },
    updateSection: {},
    createEnrollSecret: { name: 'Probe' },
    registerAgent: { agentId: id, claimTokenHash: 'a'.repeat(64), hostname: 'h', agentVersion: '1', ipAddresses: [{ ip: '127.0.0.1', iface: 'lo', family: 'ipv4', recommended: true }] },
    enrollAgent: { enrollSecret: 's', hostname: 'h', os: 'linux', arch: 'amd64', agentVersion: '1' },
    sendHeartbeat: { timestamp: '2030-01-01T00:00:00Z', health_status: 'healthy' },
    sendStatusReport: { agent_version: '1', is_running: true },
    submitInventory: { samples: [] },
    claimAgent: { agentId: id, claimToken: 't' },
    bulkAgents: { action: 'delete', agentIds: [id] },
    updateAgent: { name: 'n' },
    createPolicy: { name: 'Probe', scope: 'tenant', body: {} },
    updatePolicy: {},
    previewPolicy: { agentId: id, policy: { name: 'Probe', scope: 'tenant', body: {} } },
    createEndpoint: { name: 'Probe', address: '127.0.0.1', checkType: 'ping' },
    updateEndpoint: {},
    linkEndpoint: { targetId: id },
    submitResults: { results: [] },
    createCommand: { type: 'run_command', payload: { cmd: 'true', timeoutSec: 1 }, targets: { agentIds: [id] }, ttlSec: 60 },
    previewCommandTargets: { type: 'run_command', targets: { agentIds: [id] } },
    uploadCommandOutput: { chunks: [{ offset: 0, stream: 'stdout', data: 'x' }] },
    ackCommand: { status: 'succeeded', exitCode: 0, startedAt: '2030-01-01T00:00:00Z', finishedAt: '2030-01-01T00:00:01Z' },
  };
  const queries: Partial<Record<OperationId, string>> = { getTelemetry: '?metric=cpu', listSoftware: '?name=openssl', getResultsReport: `?endpointId=${id}`, listResults: `?endpointId=${id}` };
  const reached: string[] = [];
  // One recorder for every operation: a loop cannot spell HandlerMap's per-operation handler types.
  const recorders = Object.fromEntries(
    operationTable.map((op) => [
      op.operationId,
      () => {
        reached.push(op.operationId);
        return new Response(null, { status: 204 });
      },
    ]),
  ) as unknown as Partial<HandlerMap>;
  let probe: Awaited<ReturnType<typeof createTestApp>>;
  let agent: { id: string; secret: string };
  const sessionSecret = generateSecret('ses');
  beforeAll(async () => {
    probe = await createTestApp({ handlerOverrides: recorders });
    const admin = await probe.repos.operatorTokens.findByHash(hashSecret(probe.adminToken));
    const now = new Date();
    const session = {
      id: newId(),
      tenantId: admin!.tenantId,
      tokenId: admin!.id,
      secretHash: hashSecret(sessionSecret),
      createdAt: now,
      lastUsedAt: null,
      expiresAt: new Date(now.getTime() + 3_600_000),
      revokedAt: null,
    };
    await probe.repos.consoleSessions.create(session, {});
    const key = agentKey();
    const row = agentRow(admin!.tenantId, { keyHash: key.keyHash, keyPrefix: key.keyPrefix });
    await probe.repos.agents.insert(row, {});
    agent = { id: row.id, secret: key.secret };
  });
  afterAll(() => probe.close());

  const requestFor = (op: (typeof operationTable)[number], credentials: boolean): [string, RequestInit] => {
    const agentOp = op.security.some((s) => s.some((scheme) => scheme.startsWith('agentKey')));
    const cookieOnly = op.security.length > 0 && op.security.every((s) => s.every((scheme) => scheme === 'sessionCookie'));
    const path =
      op.path
        .replace('{agentId}', agentOp ? agent.id : id)
        .replace('{file}', 'index-Probe1.js')
        .replace(/\{[^}]+\}/g, id) + (queries[op.operationId] ?? '');
    const headers: Record<string, string> = {};
    if (credentials && cookieOnly) Object.assign(headers, { cookie: `agentry_session=${sessionSecret}`, 'sec-fetch-site': 'same-origin', origin: 'http://localhost' });
    else if (credentials && op.security.length > 0) headers.authorization = `Bearer ${agentOp ? agent.secret : probe.adminToken}`;
    if (op.hasBody) headers['content-type'] = 'application/json';
    return [path, { method: op.method, headers, body: op.hasBody ? JSON.stringify(bodies[op.operationId]) : undefined }];
  };

  it('every operation with a body has a probe body', () => {
    expect(operationTable.filter((op) => op.hasBody && !(op.operationId in bodies)).map((op) => op.operationId)).toEqual([]);
  });

  it.each(operationTable.map((o) => [o.operationId, o] as const))('%s', async (operationId, op) => {
    if (op.security.length > 0 && !op.authOptional) {
      reached.length = 0;
      const anonymous = await probe.rawRequest(...requestFor(op, false));
      expect(anonymous.status, 'without credentials').toBe(401);
      expect(await anonymous.json()).toMatchObject({ status: 401, type: 'https://agentry.dev/problems/unauthorized' });
      expect(reached).toEqual([]);
    }
    reached.length = 0;
    const res = await probe.rawRequest(...requestFor(op, true));
    expect({ status: res.status, reached }, await res.clone().text()).toEqual({ status: 204, reached: [operationId] });
  });
});
