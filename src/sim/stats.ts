/**
 * Requests by kind: counts, errors, answers that asked to retry later (429, 503: waited out and sent again,
 * not errors), and latency percentiles from a bounded reservoir per kind.
 */
const RESERVOIR = 20_000;

export interface KindSummary {
  kind: string;
  requests: number;
  errors: number;
  /** 429 or 503 answers: each waited out and sent again, unless the attempts ran out (then the last one is also an error) or the run ended. */
  throttled: number;
  perSec: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

class KindStats {
  requests = 0;
  errors = 0;
  throttled = 0;
  maxMs = 0;
  windowRequests = 0;
  readonly sample: number[] = [];

  record(ms: number, failed: boolean): void {
    this.requests++;
    this.windowRequests++;
    if (failed) this.errors++;
    if (ms > this.maxMs) this.maxMs = ms;
    // Reservoir sampling: every latency has the same chance to be kept, whatever the run's length.
    if (this.sample.length < RESERVOIR) this.sample.push(ms);
    else {
      const i = Math.floor(Math.random() * this.requests);
      if (i < RESERVOIR) this.sample[i] = ms;
    }
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

export class SimStats {
  readonly kinds = new Map<string, KindStats>();
  /** First error messages, for the summary. */
  readonly errorSamples: string[] = [];
  #windowStarted = performance.now();
  started = performance.now();

  /** Starts the clock of the rates again (when the steady state begins). */
  restart(): void {
    this.started = performance.now();
    this.#windowStarted = this.started;
  }

  record(kind: string, ms: number, failed: boolean, why?: string): void {
    this.#kind(kind).record(ms, failed);
    if (failed && why && this.errorSamples.length < 10) this.errorSamples.push(`${kind}: ${why}`);
  }

  /** A 429 or 503 of this kind, to be sent again. */
  throttle(kind: string): void {
    this.#kind(kind).throttled++;
  }

  #kind(kind: string): KindStats {
    let k = this.kinds.get(kind);
    if (!k) {
      k = new KindStats();
      this.kinds.set(kind, k);
    }
    return k;
  }

  get throttled(): number {
    let n = 0;
    for (const k of this.kinds.values()) n += k.throttled;
    return n;
  }

  get errors(): number {
    let n = 0;
    for (const k of this.kinds.values()) n += k.errors;
    return n;
  }

  /** One line: rates since the previous line, errors and p95 overall. */
  progressLine(online: number, total: number): string {
    const now = performance.now();
    const sec = Math.max(0.001, (now - this.#windowStarted) / 1000);
    this.#windowStarted = now;
    const rates = [...this.kinds].map(([name, k]) => {
      const r = k.windowRequests / sec;
      k.windowRequests = 0;
      return `${name} ${r.toFixed(0)}`;
    });
    const all = [...this.kinds.values()].flatMap((k) => k.sample.slice(-2000));
    const elapsed = ((now - this.started) / 1000).toFixed(0);
    return `[${elapsed}s] online ${online}/${total} | req/s ${rates.join(' ')} | errors ${this.errors} | throttled ${this.throttled} | p95 ${percentile(all, 0.95).toFixed(1)} ms`;
  }

  summary(): KindSummary[] {
    const sec = (performance.now() - this.started) / 1000;
    return [...this.kinds].map(([kind, k]) => ({
      kind,
      requests: k.requests,
      errors: k.errors,
      throttled: k.throttled,
      perSec: round(k.requests / sec),
      p50Ms: round(percentile(k.sample, 0.5)),
      p95Ms: round(percentile(k.sample, 0.95)),
      maxMs: round(k.maxMs),
    }));
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

export function summaryTable(rows: KindSummary[]): string {
  const head = ['kind', 'requests', 'errors', 'req/s', 'p50 ms', 'p95 ms', 'max ms', 'throttled'];
  const lines = rows.map((r) => [r.kind, r.requests, r.errors, r.perSec, r.p50Ms, r.p95Ms, r.maxMs, r.throttled].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
