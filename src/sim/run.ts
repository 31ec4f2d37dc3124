/**
 * Runs a simulated fleet: enrolls N agents (an enrollment secret from the operator token, or the one
 * given), sends each one's first inventory and heartbeat, runs them for the duration, then stops and
 * summarises. The real intervals (heartbeat 300 s, samples and results 60 s, command polls 60 s,
 * inventory hourly) are divided by `rate`.
 */
import { SimAgent, type Intervals } from './agent.ts';
import { SimHttp } from './http.ts';
import { ROLE_NAMES } from './software.ts';
import { SimStats, type KindSummary } from './stats.ts';

export interface SimOptions {
  server: string;
  agents: number;
  durationSec: number;
  rate: number;
  token?: string;
  enrollSecret?: string;
  maxSockets: number;
  progress: (line: string) => void;
}

export interface SimResult {
  agents: number;
  online: number;
  enrollSec: number;
  durationSec: number;
  errors: number;
  /** 429 and 503 answers waited out and sent again, in all. */
  throttled: number;
  errorSamples: string[];
  /** Enrolment: `enroll` and each agent's first `inventory` and `heartbeat`. */
  enrolment: KindSummary[];
  /** The steady state, per request kind. */
  kinds: KindSummary[];
}

export const REAL_INTERVALS: Intervals = { heartbeatSec: 300, collectionSec: 60, resultsSec: 60, pollSec: 60, inventorySec: 3600 };

export async function runSimulation(o: SimOptions): Promise<SimResult> {
  const http = new SimHttp(o.server, o.maxSockets);
  // Enrolment (with each agent's first inventory and heartbeat) is a burst unlike the steady state: counted apart.
  const enrolment = new SimStats();
  const stats = new SimStats();
  const secret = o.enrollSecret ?? (await createSecret(http, o.token));
  const enrollStarted = performance.now();
  const fleet: SimAgent[] = [];
  const runId = Date.now().toString(36);
  let next = 0;
  const enrollOne = async () => {
    while (next < o.agents) {
      const i = next++;
      const hostname = `sim-${runId}-${i}`;
      const body = {
        enrollSecret: secret,
        hostname,
        os: 'linux',
        arch: 'x86_64',
        agentVersion: '0.1.0-sim',
        hardwareId: hostname,
        capabilities: ['heartbeat', 'inventory', 'telemetry', 'checks', 'commands', 'run_command', 'update_agent', 'update_package'],
      };
      const reply = await http.sendPatiently('POST', '/api/v1/agent/enroll', {}, JSON.stringify(body), { onThrottled: () => enrolment.throttle('enroll'), stopped: () => false });
      const failed = reply.status !== 201 && reply.status !== 200;
      enrolment.record('enroll', reply.ms, failed, failed ? (reply.error ?? `${reply.status} ${reply.body.slice(0, 200)}`) : undefined);
      if (failed) continue;
      const { agentId, apiKey } = JSON.parse(reply.body) as { agentId: string; apiKey: string }; // the contract's AgentEnrollmentResult
      const agent = new SimAgent({ id: agentId, key: apiKey, hostname, role: ROLE_NAMES[i % ROLE_NAMES.length]!, http, stats: enrolment });
      await agent.inventory(false);
      await agent.heartbeat();
      fleet.push(agent);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, o.agents) }, enrollOne));
  const enrollSec = (performance.now() - enrollStarted) / 1000;
  o.progress(`enrolled ${fleet.length}/${o.agents} agents in ${enrollSec.toFixed(1)} s`);

  const r = REAL_INTERVALS;
  const iv: Intervals = { heartbeatSec: r.heartbeatSec / o.rate, collectionSec: r.collectionSec / o.rate, resultsSec: r.resultsSec / o.rate, pollSec: r.pollSec / o.rate, inventorySec: r.inventorySec / o.rate };
  stats.restart();
  for (const a of fleet) {
    a.stats = stats;
    a.start(iv);
  }
  const reporter = setInterval(() => o.progress(stats.progressLine(fleet.filter((a) => a.online).length, o.agents)), 1000);
  await new Promise((r) => setTimeout(r, o.durationSec * 1000));
  clearInterval(reporter);
  for (const a of fleet) a.stop();
  // Requests in flight finish (their answers are counted); nothing new starts.
  await http.idle(65_000);
  http.close();
  return {
    agents: o.agents,
    online: fleet.filter((a) => a.online).length,
    enrollSec,
    durationSec: o.durationSec,
    errors: enrolment.errors + stats.errors,
    throttled: enrolment.throttled + stats.throttled,
    errorSamples: [...enrolment.errorSamples, ...stats.errorSamples].slice(0, 10),
    enrolment: enrolment.summary(),
    kinds: stats.summary(),
  };
}

async function createSecret(http: SimHttp, token: string | undefined): Promise<string> {
  if (!token) throw new Error('give --token (an operator token that may create enrollment secrets) or --enroll-secret');
  const reply = await http.send('POST', '/api/v1/enroll-secrets', { authorization: `Bearer ${token}` }, JSON.stringify({ name: `sim ${new Date().toISOString()}` }));
  if (reply.status !== 201) throw new Error(`could not create an enrollment secret: ${reply.status} ${reply.error ?? reply.body.slice(0, 300)}`);
  return (JSON.parse(reply.body) as { secret: string }).secret; // the contract's EnrollSecretCreated
}
