/**
 * Output of a run: one line per scenario as it finishes, a markdown table at the end, and
 * bench/results.json + bench/results.md (both git-ignored) for comparing runs and machines.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { ScenarioStats } from './load.ts';

export interface ScenarioResult extends ScenarioStats {
  name: string;
  /** Method and path, e.g. `POST /api/v1/tokens`. */
  request: string;
  /** req/s relative to bare-post of the same run, in percent. */
  ofBarePct: number | null;
  /** agentry server's resident memory right after the scenario. */
  serverRssMiB: number | null;
}

export interface Params {
  connections: number;
  durationSec: number;
  warmupSec: number;
  db: string;
  bodyBytes: number;
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
    `${r.name.padEnd(13)} ${fmt(r.rps).padStart(7)} req/s  p50 ${fmt(l.p50, 2)} ms  p95 ${fmt(l.p95, 2)} ms  p99 ${fmt(l.p99, 2)} ms  ` +
    `non-2xx ${r.non2xx}  errors ${r.errors}  ${fmt(r.ofBarePct, 1)}% of bare  agentry RSS ${fmt(r.serverRssMiB, 1)} MiB`
  );
}

export function markdownTable(results: ScenarioResult[]): string {
  const head = ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', '% of bare', 'agentry RSS MiB'];
  const rows = results.map((r) => [
    r.name,
    fmt(r.rps),
    fmt(r.latencyMs.p50, 2),
    fmt(r.latencyMs.p95, 2),
    fmt(r.latencyMs.p99, 2),
    String(r.non2xx),
    String(r.errors),
    fmt(r.ofBarePct, 1),
    fmt(r.serverRssMiB, 1),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  // Numbers right-aligned, names left-aligned.
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function writeResults(dir: string, params: Params, results: ScenarioResult[], failures: string[]): void {
  const machine = machineFacts();
  const json = { date: new Date().toISOString(), machine, params, scenarios: results, failures };
  writeFileSync(join(dir, 'results.json'), JSON.stringify(json, null, 2) + '\n');
  const md = [
    `# agentry loopback benchmark`,
    ``,
    `${json.date} · ${machine.cpuCount} × ${machine.cpuModel} · ${machine.totalMemMiB} MiB · Node ${machine.node} · ${machine.platform}`,
    ``,
    `${params.connections} connections, ${params.durationSec} s per scenario after a ${params.warmupSec} s warm-up, ` +
      `database ${params.db}, bare-post body ${params.bodyBytes} bytes.`,
    ``,
    markdownTable(results),
    ...(failures.length ? ['', '**Failed:**', ...failures.map((f) => `- ${f}`)] : []),
    ``,
  ].join('\n');
  writeFileSync(join(dir, 'results.md'), md);
}
