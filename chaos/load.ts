/**
 * The load during faults: enrolled agents, each with a bounded loop of sample batches (10 samples of
 * distinct identity per request) and a heartbeat loop, spread over the serving instances. Every answer
 * is counted by status; a request without an answer after 35 s counts as unanswered; every sample
 * answered 202 is remembered, to be looked for in the database afterwards.
 */
import type { Instance } from './servers.ts';

export const METRIC = 'chaos.load';
export const SAMPLES_PER_REQUEST = 10;
const CLIENT_TIMEOUT_MS = 35_000;
const HEARTBEAT_EVERY_MS = 250;

export interface Agent {
  index: number;
  id: string;
  key: string;
  nextSeq: number;
  /** Sequence numbers answered 202 (sample identity: agent, METRIC, base + seq ms, labels core=0..9). */
  acked: number[];
  /** When each of `acked` was answered (ms, performance.now()), to tell which fault a loss belongs to. */
  ackedAt: number[];
}

export interface Tally {
  /** Requests by answer: HTTP status, `unanswered` (no answer in 35 s) or `error:<code>` (connection failed). */
  byStatus: Map<string, number>;
  /** A few 5xx bodies other than 503, for the report. */
  serverErrors: string[];
  slowestMs: number;
}

export async function enrollAgents(origin: string, adminToken: string, count: number): Promise<Agent[]> {
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const secretRes = await fetch(`${origin}/api/v1/enroll-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'chaos' }) });
  if (secretRes.status !== 201) throw new Error(`enroll secret: ${secretRes.status} ${await secretRes.text()}`);
  const { secret } = (await secretRes.json()) as { secret: string };
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const res = await fetch(`${origin}/api/v1/agent/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enrollSecret: secret, hostname: `chaos-${index}`, os: 'linux', arch: 'x86_64', agentVersion: '1.0.0' }),
      });
      if (res.status !== 201) throw new Error(`enroll: ${res.status} ${await res.text()}`);
      const { agentId, apiKey } = (await res.json()) as { agentId: string; apiKey: string };
      return { index, id: agentId, key: apiKey, nextSeq: 0, acked: [], ackedAt: [] };
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Load {
  readonly tally: Tally = { byStatus: new Map(), serverErrors: [], slowestMs: 0 };
  readonly base = Math.floor(Date.now() / 1000) * 1000 - 600_000;
  private stopped = false;
  private paused: Promise<void> | undefined;
  private resume: (() => void) | undefined;
  private loops: Promise<void>[] = [];
  private readonly agents: Agent[];
  /** The instances serving now; agent i talks to serving[i % length]. */
  serving: Instance[];

  constructor(agents: Agent[], serving: Instance[]) {
    this.agents = agents;
    this.serving = serving;
  }

  start(): void {
    for (const agent of this.agents) this.loops.push(this.ingestLoop(agent), this.heartbeatLoop(agent));
  }

  /** Holds every loop after its current request (to measure an idle process). */
  async pause(): Promise<void> {
    this.paused = new Promise((r) => (this.resume = r));
    await sleep(1500);
  }

  unpause(): void {
    this.resume?.();
    this.paused = undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unpause();
    await Promise.all(this.loops);
  }

  private target(agent: Agent): Instance {
    return this.serving[agent.index % this.serving.length]!;
  }

  private async ingestLoop(agent: Agent): Promise<void> {
    while (!this.stopped) {
      if (this.paused) await this.paused;
      const seq = agent.nextSeq++;
      const ts = new Date(this.base + seq).toISOString();
      const samples = Array.from({ length: SAMPLES_PER_REQUEST }, (_, k) => ({ metric: METRIC, value: seq * SAMPLES_PER_REQUEST + k, ts, labels: { core: String(k) } }));
      const status = await this.send(this.target(agent), `/api/v1/agent/${agent.id}/inventory`, agent.key, { samples });
      if (status === '202') {
        agent.acked.push(seq);
        agent.ackedAt.push(performance.now());
      } else await sleep(status === '503' ? 200 : 300);
    }
  }

  private async heartbeatLoop(agent: Agent): Promise<void> {
    while (!this.stopped) {
      if (this.paused) await this.paused;
      const body = {
        timestamp: new Date().toISOString(),
        health_status: 'healthy',
        metrics: { agent_uptime_secs: 1, cpu_usage_percent: 1.5, memory_usage_mb: 10, memory_total_mb: 100, system_uptime_secs: 100 },
      };
      await this.send(this.target(agent), `/api/v1/agent/${agent.id}/heartbeat`, agent.key, body);
      await sleep(HEARTBEAT_EVERY_MS);
    }
  }

  /** One request; returns how it was answered (and counts it). */
  private async send(instance: Instance, path: string, key: string, body: unknown): Promise<string> {
    const started = performance.now();
    let outcome: string;
    try {
      const res = await fetch(instance.origin + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-agent-api-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
      outcome = String(res.status);
      const text = await res.text();
      if (res.status >= 500 && res.status !== 503 && this.tally.serverErrors.length < 5) this.tally.serverErrors.push(`${instance.name} ${path.split('/').pop()} ${res.status}: ${text.slice(0, 300)}`);
      if (res.status === 503 && !res.headers.get('retry-after')) outcome = '503-without-retry-after';
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      outcome = e.name === 'TimeoutError' ? 'unanswered' : `error:${e.cause?.code ?? e.name}`;
    }
    this.tally.slowestMs = Math.max(this.tally.slowestMs, performance.now() - started);
    this.tally.byStatus.set(outcome, (this.tally.byStatus.get(outcome) ?? 0) + 1);
    return outcome;
  }
}
