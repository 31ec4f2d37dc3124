/**
 * Getting an identity: with an enrollment secret (`POST /agent/enroll`, id and key at once), or through the
 * Smotra claim workflow (self-register with the hash of a claim token printed for the operator, then poll
 * claim-status until an operator claims the agent and the key is delivered).
 */
import { createHash, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { arch, hostname, networkInterfaces, platform } from 'node:os';
import type { Logger } from 'pino';
import { uuidv7 } from 'uuidv7';
import { AGENT_VERSION, CAPABILITIES } from './identity.ts';
import { backoffMs } from '../sdk/retrying-fetch.ts';
import { sleep } from './loops.ts';
import type { AgentState } from './state.ts';
import { Transport } from './transport.ts';

const NEVER = new AbortController().signal;

/** A stable host identity, so that enrolling again (lost state dir) re-issues the key of the same agent. */
export function hardwareId(stateDir: string): string {
  const machineId = ['/etc/machine-id', '/var/lib/dbus/machine-id'].find((f) => existsSync(f));
  const base = machineId ? readFileSync(machineId, 'utf8').trim() : hostname();
  // The state dir takes part: two agents on one host (tests, the simulator's neighbours) stay two agents.
  return createHash('sha256').update(`${base}\0${stateDir}`).digest('hex').slice(0, 64);
}

export async function enrollWithSecret(server: string, secret: string, stateDir: string, log: Logger, signal?: AbortSignal): Promise<AgentState> {
  const transport = new Transport(server, null);
  const body = { enrollSecret: secret, hostname: hostname(), os: platform(), arch: arch(), agentVersion: AGENT_VERSION, hardwareId: hardwareId(stateDir), capabilities: [...CAPABILITIES] };
  for (let attempt = 0; !signal?.aborted; attempt++) {
    const answer = await transport.post('/api/v1/agent/enroll', body);
    if (answer.ok) {
      const { agentId, apiKey } = answer.body as { agentId: string; apiKey: string }; // the contract's AgentEnrollmentResult
      log.info({ agentId }, 'enrolled');
      return { server, agentId, apiKey, enrolledVia: 'secret', enrolledAt: new Date().toISOString() };
    }
    if (answer.status === 401 || answer.status === 400) throw new Error(`enrollment refused (${answer.status}): ${JSON.stringify(answer.body)}`);
    const delay = answer.retryAfterMs ?? retryDelayMs(attempt);
    log.warn({ status: answer.status || undefined, error: answer.error, retryInMs: delay }, 'enrollment failed; retrying');
    await sleep(delay, signal ?? NEVER);
  }
  throw new Error('stopped before enrolling');
}

/** The SDK's backoff (full jitter, so that a fleet back from an outage does not enrol in lockstep), up to a minute. */
function retryDelayMs(attempt: number): number {
  return backoffMs(Math.min(attempt, 6), 1000, 60_000);
}

export async function enrollWithClaim(server: string, log: Logger, print: (line: string) => void, signal?: AbortSignal): Promise<AgentState> {
  const transport = new Transport(server, null);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const token = Array.from({ length: 64 }, () => alphabet[randomInt(alphabet.length)]).join('');
  const agentId = uuidv7();
  const registration = { agentId, claimTokenHash: createHash('sha256').update(token).digest('hex'), hostname: hostname(), agentVersion: AGENT_VERSION, ipAddresses: ipAddresses() };
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new Error('stopped before being claimed');
    const answer = await transport.post('/api/v1/agent/register', registration);
    if (answer.ok) break;
    if (answer.status === 400) throw new Error(`registration refused: ${JSON.stringify(answer.body)}`);
    await sleep(answer.retryAfterMs ?? retryDelayMs(attempt), signal ?? NEVER);
  }
  print(`agent id:    ${agentId}`);
  print(`claim token: ${token}`);
  print(`claim it:    POST ${server}/api/v1/agents/claim {"agentId":"${agentId}","claimToken":"<token>"}`);
  for (;;) {
    if (signal?.aborted) throw new Error('stopped before being claimed');
    const answer = await transport.request('GET', `/api/v1/agent/${agentId}/claim-status`);
    const body = (answer.ok ? answer.body : {}) as { status?: string; apiKey?: string; pollIn?: number }; // the contract's ClaimStatus
    if (body.status === 'claimed' && body.apiKey) {
      log.info({ agentId }, 'claimed');
      return { server, agentId, apiKey: body.apiKey, enrolledVia: 'claim', enrolledAt: new Date().toISOString() };
    }
    if (answer.status === 404) throw new Error('the registration expired or is unknown; start again');
    await sleep(Math.max(1, body.pollIn ?? 5) * 1000, signal ?? NEVER);
  }
}

/** Non-loopback addresses; the contract wants at least one, so a host with only loopback sends that. */
function ipAddresses() {
  const found = Object.entries(networkInterfaces()).flatMap(([iface, addrs]) =>
    (addrs ?? [])
      .filter((a) => !a.internal && !a.address.startsWith('fe80:') && !a.address.startsWith('169.254.'))
      .map((a) => ({ ip: a.address, iface, family: a.family === 'IPv4' ? 'ipv4' : 'ipv6', recommended: false })),
  );
  return found.length > 0 ? found : [{ ip: '127.0.0.1', iface: 'lo', family: 'ipv4', recommended: false }];
}
