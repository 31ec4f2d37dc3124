/**
 * Output of a run: one line per scenario as it finishes, a markdown table at the end, and
 * bench/results.json + bench/results.md (both git-ignored) for comparing runs and machines.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { round, type ScenarioStats } from './load.ts';

export interface ScenarioResult extends ScenarioStats {
  name: string;
  /** Method and path, e.g. `POST /api/v1/tokens`. */
  request: string;
  /** req/s relative to bare-post of the same run, in percent. */
  ofBarePct: number | null;
  /** agentry server's resident memory right after the scenario. */
  serverRssMiB: number | null;
  /** The server's CPU use during the scenario (warm-up included), in percent of one core: bare's for bare-post, else agentry's. */
  serverCpuPct: number | null;
  /** The server process's CPU time per request, in microseconds (all its threads; not Postgres's or NATS's). */
  serverCpuUsPerRequest: number | null;
  /** The Postgres cluster's CPU time per request (all its processes), when the run started it; agentry's scenarios only. */
  postgresCpuUsPerRequest: number | null;
  /** nats-server's CPU time per request, when the run started it; agentry's scenarios only. */
  natsCpuUsPerRequest: number | null;
  /** bare-post's CPU per request over this scenario's, in percent: the req/s ratio if the server had a core to itself. */
  cpuOfBarePct: number | null;
  /** The load generator's (this process's) CPU use during the scenario: it shares the machine. */
  clientCpuPct: number;
  /** All cores of the machine busy, in percent (agentry, load generator, database, NATS and anything else running). */
  machineBusyPct: number | null;
  /** Anything else worth a line under the table (drain time, stored vs accepted, latency target). */
  notes: string[];
}

export interface Params {
  connections: number;
  durationSec: number;
  warmupSec: number;
  db: string;
  nats: boolean;
  bodyBytes: number;
  ingestBodyBytes: number;
  agents: number;
  seedRows: number;
}

/** Everything a run reports besides the scenarios: how long each phase took, seeding, skipped scenarios. */
export interface RunFacts {
  /** Phase name → seconds. */
  phases: Record<string, number>;
  seeding: { rows: number; seconds: number; rowsPerSec: number; analyzeSeconds: number; series: number; day: string } | null;
  notes: string[];
}

export function machineFacts() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

const fmt = (n: number | null, digits = 0) => (n === null || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));

export function scenarioLine(r: ScenarioResult): string {
  const l = r.latencyMs;
  return (
    `${r.name.padEnd(18)} ${fmt(r.rps).padStart(7)} req/s  p50 ${fmt(l.p50, 2)} ms  p95 ${fmt(l.p95, 2)} ms  p99 ${fmt(l.p99, 2)} ms  ` +
    `non-2xx ${r.non2xx}  errors ${r.errors}  ${fmt(r.ofBarePct, 1)}% of bare  ` +
    `${r.rowsPerSec === null ? '' : `rows/s ${fmt(r.rowsPerSec)}  `}server CPU ${fmt(r.serverCpuPct)}%, ${fmt(r.serverCpuUsPerRequest, 1)} µs/req (${fmt(r.cpuOfBarePct, 1)}% of bare's)  ` +
    infraLine(r) +
    `agentry RSS ${fmt(r.serverRssMiB, 1)} MiB  load generator CPU ${fmt(r.clientCpuPct)}%  machine busy ${fmt(r.machineBusyPct)}%` +
    r.notes.map((n) => `\n${' '.repeat(19)}${n}`).join('')
  );
}

/** Postgres's and NATS's CPU per request and the total with the server's, when the run started them. */
function infraLine(r: ScenarioResult): string {
  const parts = [r.postgresCpuUsPerRequest === null ? '' : `postgres ${fmt(r.postgresCpuUsPerRequest, 1)}`, r.natsCpuUsPerRequest === null ? '' : `nats ${fmt(r.natsCpuUsPerRequest, 1)}`].filter(Boolean);
  if (parts.length === 0 || r.serverCpuUsPerRequest === null) return '';
  return `${parts.join(' + ')} µs/req; server + infra ${fmt(r.serverCpuUsPerRequest + (r.postgresCpuUsPerRequest ?? 0) + (r.natsCpuUsPerRequest ?? 0), 1)} µs/req  `;
}

export function markdownTable(results: ScenarioResult[]): string {
  const head = ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', '% of bare', 'rows/s', 'server CPU %', 'CPU µs/req', 'CPU/req % of bare', 'agentry RSS MiB'];
  const rows = results.map((r) => [
    r.name,
    fmt(r.rps),
    fmt(r.latencyMs.p50, 2),
    fmt(r.latencyMs.p95, 2),
    fmt(r.latencyMs.p99, 2),
    String(r.non2xx),
    String(r.errors),
    fmt(r.ofBarePct, 1),
    r.rowsPerSec === null ? '' : fmt(r.rowsPerSec),
    fmt(r.serverCpuPct),
    fmt(r.serverCpuUsPerRequest, 1),
    fmt(r.cpuOfBarePct, 1),
    fmt(r.serverRssMiB, 1),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  // Numbers right-aligned, names left-aligned.
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** Phase times, seeding and notes as lines of text (for the terminal and the markdown file alike). */
export function factLines(facts: RunFacts, results: ScenarioResult[]): string[] {
  const s = facts.seeding;
  return [
    `phases: ${Object.entries(facts.phases)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')}`,
    ...(s
      ? [`seeding: ${s.rows} rows (${s.series} series of one agent + metric on ${s.day}) in ${s.seconds.toFixed(1)} s = ${fmt(s.rowsPerSec)} rows/s; statistics/checkpoint ${s.analyzeSeconds.toFixed(1)} s`]
      : []),
    ...results.flatMap((r) => r.notes.map((n) => `${r.name}: ${n}`)),
    ...facts.notes,
  ];
}

export function writeResults(dir: string, params: Params, results: ScenarioResult[], facts: RunFacts, failures: string[]): void {
  const machine = machineFacts();
  const json = { date: new Date().toISOString(), machine, params, ...facts, scenarios: results, failures };
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  const md = [
    `# agentry loopback benchmark`,
    ``,
    `${json.date} · ${machine.cpuCount} × ${machine.cpuModel} · ${machine.totalMemMiB} MiB · Node ${machine.node} · ${machine.platform}`,
    ``,
    `${params.connections} connections, ${params.durationSec} s per scenario after a ${params.warmupSec} s warm-up, ` +
      `database ${params.db}${params.nats ? ' + NATS JetStream' : ''}, ${params.agents} agents, bare-post body ${params.bodyBytes} bytes, ` +
      `ingest body ~${params.ingestBodyBytes} bytes (10 samples).`,
    ``,
    markdownTable(results),
    ``,
    ...factLines(facts, results).map((l) => `- ${l}`),
    ...(failures.length ? ['', '**Failed:**', ...failures.map((f) => `- ${f}`)] : []),
    ``,
  ].join('\n');
  writeFileSync(join(dir, 'results.md'), md);
}

/**
 * The lines printed while running compare with the first bare-post; the table and results.json compare
 * with the mean of bare-post and bare-post@end (req/s and CPU per request alike).
 */
export function rebaseOnCeiling(results: ScenarioResult[], facts: RunFacts): void {
  const bares = results.filter((r) => r.name === 'bare-post' || r.name === 'bare-post@end');
  if (bares.length < 2) return;
  const mean = (values: (number | null)[]) => (values.every((v) => v !== null) ? values.reduce((a, b) => a! + b!, 0)! / values.length : null);
  const rps = mean(bares.map((b) => b.rps))!;
  const cpuUs = mean(bares.map((b) => b.serverCpuUsPerRequest));
  for (const r of results) {
    r.ofBarePct = rps > 0 ? round((r.rps / rps) * 100, 1) : null;
    r.cpuOfBarePct = cpuUs !== null && r.serverCpuUsPerRequest ? round((cpuUs / r.serverCpuUsPerRequest) * 100, 1) : null;
  }
  facts.notes.push(
    `ceiling: bare-post ${round(bares[0]!.rps, 0)} req/s at the start, ${round(bares[1]!.rps, 0)} at the end; "% of bare" is against their mean ${round(rps, 0)} req/s` +
      (cpuUs === null ? '' : ` (CPU per request: ${round(cpuUs, 1)} µs)`),
  );
}
