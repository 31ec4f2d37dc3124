/**
 * Load generation with autocannon, in the harness process (never inside a server under test), plus the
 * statistics we report. autocannon's summary covers the whole run, has no p95 and rounds latencies to
 * whole milliseconds, so responses, status codes and latencies are collected from its events and the
 * figures computed here, for the counted window only.
 */
import autocannon from 'autocannon';

/** What changes from one request to the next: the agent (path and key) and, for ingestion, the body. */
export interface Variant {
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** Base URL of the target server. */
  origin: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Called for every request (shared by all connections): e.g. thousands of agents in turn, fresh timestamps. */
  next?: () => Variant;
  /**
   * Fixed requests every connection sends in turn, built once: for variants that never change (no fresh
   * timestamps), much cheaper for the load generator than `next`, which rebuilds each request.
   */
  cycle?: readonly Variant[];
  /** Overrides the run's connection count (e.g. a handful of dashboards rather than a fleet). */
  connections?: number;
  /** Reads a counter of rows stored (e.g. from /metrics); sampled at the start and end of the counted window. */
  rowsProbe?: () => Promise<number>;
  /** The status a successful request gets when it is not a 2xx (e.g. 304 for conditional GETs). */
  expectedStatus?: number;
}

/** Whether a status is the scenario's success: its expectedStatus, or else any 2xx. */
export const succeeded = (s: Scenario, status: number): boolean => (s.expectedStatus !== undefined ? status === s.expectedStatus : status >= 200 && status <= 299);

/** Takes the variants in turn, for ever. */
export function rotate(variants: readonly Variant[]): () => Variant {
  let i = 0;
  return () => variants[i++ % variants.length]!;
}

export interface LoadOptions {
  connections: number;
  durationSec: number;
  warmupSec: number;
}

export interface ScenarioStats {
  /** Responses per second over the counted window. */
  rps: number;
  responses: number;
  non2xx: number;
  /** Connection errors and timeouts: requests that got no response at all. */
  errors: number;
  timeouts: number;
  /** The errors by message (a timeout, a reset, a refused connect…), to tell the server's failures from the load generator's. */
  errorKinds: Record<string, number>;
  statusCodes: Record<string, number>;
  /** 2xx answers over the whole run, warm-up included (to check what the server should have stored). */
  total2xx: number;
  /** Rows stored per second over the counted window, when the scenario has a rowsProbe. */
  rowsPerSec: number | null;
  /** Over every response, whatever its status. */
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
}

/** Sends the scenario's request once and fails with the answer unless it succeeds (a wrong token or body should not cost a whole run). */
export async function preflight(s: Scenario): Promise<void> {
  const v = s.next?.() ?? s.cycle?.[0];
  const [path, body] = [v?.path ?? s.path, v?.body ?? s.body ?? null];
  const res = await fetch(s.origin + path, { method: s.method, headers: { ...s.headers, ...v?.headers }, body, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  if (!succeeded(s, res.status)) throw new Error(`${s.name}: preflight ${s.method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
}

/**
 * One continuous autocannon run of warm-up + duration; only responses after the warm-up are counted.
 * The warm-up is not a separate run on purpose: a saturated Node server accepts a burst of new
 * connections slowly (one per event-loop turn), so fresh connections at the start of the measured
 * window would put seconds of connection set-up into the tail percentiles instead of request latency.
 */
export function runScenario(s: Scenario, o: LoadOptions): Promise<ScenarioStats> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const errorKinds: Record<string, number> = {};
  let total2xx = 0;
  let counting = false;
  let windowStart = performance.now();
  let rowsAtStart: Promise<number> | undefined;
  const begin = () => {
    counting = true;
    windowStart = performance.now();
    rowsAtStart = s.rowsProbe?.();
    rowsAtStart?.catch(() => {}); // awaited (and reported) at the end
  };
  const startCounting = setTimeout(begin, o.warmupSec * 1000);
  if (o.warmupSec === 0) {
    clearTimeout(startCounting);
    begin();
  }
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: s.origin + s.path,
        method: s.method,
        headers: s.headers,
        body: s.body,
        connections: s.connections ?? o.connections,
        duration: o.warmupSec + o.durationSec,
        timeout: 10,
        ...(s.cycle ? { requests: s.cycle.map((v) => ({ method: s.method, path: v.path, headers: { ...s.headers, ...v.headers }, ...(v.body !== undefined ? { body: v.body } : {}) })) } : {}),
        ...(s.next ? { requests: [{ setupRequest: varying(s) }] } : {}),
      },
      (err) => {
        clearTimeout(startCounting);
        if (err) return reject(err);
        const seconds = (performance.now() - windowStart) / 1000;
        const rps = round(latencies.length / seconds, 0);
        const stats = { rps, responses: latencies.length, non2xx, errors, timeouts, errorKinds, statusCodes, total2xx, latencyMs: summarise(latencies) };
        if (!s.rowsProbe || !rowsAtStart) return resolve({ ...stats, rowsPerSec: null });
        Promise.all([rowsAtStart, s.rowsProbe()]).then(([a, b]) => resolve({ ...stats, rowsPerSec: round((b - a) / seconds, 0) }), reject);
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (succeeded(s, status)) total2xx++;
      if (!counting) return;
      latencies.push(ms);
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (!succeeded(s, status)) non2xx++;
    });
    instance.on('reqError', (err: unknown) => {
      if (!counting) return;
      errors++;
      if (err instanceof Error && err.message.includes('timed out')) timeouts++;
      const kind = err instanceof Error ? ((err as { code?: string }).code ?? err.message) : String(err);
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    });
  });
}

function varying(s: Scenario) {
  const next = s.next!;
  return (req: autocannon.Request): autocannon.Request => {
    const v = next();
    return { ...req, path: v.path, headers: { ...s.headers, ...v.headers }, ...(v.body !== undefined ? { body: v.body } : {}) };
  };
}

function summarise(values: number[]): ScenarioStats['latencyMs'] {
  if (values.length === 0) return { mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  // Nearest-rank percentile.
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!, 2);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean: round(mean, 2), p50: at(50), p95: at(95), p99: at(99), max: round(sorted[sorted.length - 1]!, 2) };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * A realistic agent report of exactly `size` bytes: ten metric samples, padded with a filler field.
 * A fixed size keeps runs comparable when the sample shape changes.
 */
export function metricsBody(size = 784): string {
  const t0 = Date.UTC(2025, 0, 1) / 1000; // epoch seconds
  const units: Record<string, string> = { cpu: '%', mem: 'B', disk: 'B/s', net: 'B/s', load: '1', procs: '1' };
  const names = ['cpu.user', 'cpu.sys', 'mem.used', 'mem.free', 'disk.read', 'disk.write', 'net.rx', 'net.tx', 'load.1m', 'procs'];
  const samples = names.map((metric, i) => ({
    metric,
    value: Math.round((i + 1) * 13.37 * 10) / 10,
    ts: t0 + i,
    labels: { unit: units[metric.split('.')[0]!] ?? '1' },
  }));
  const doc = { host: 'web-01', samples, pad: '' };
  const missing = size - Buffer.byteLength(JSON.stringify(doc));
  // The samples are fixed, so this only fails when someone makes them bigger than the target size.
  if (missing < 0) throw new Error(`metrics body is already ${size - missing} bytes, over ${size}`);
  doc.pad = 'x'.repeat(missing);
  const body = JSON.stringify(doc);
  if (Buffer.byteLength(body) !== size) throw new Error(`metrics body is ${Buffer.byteLength(body)} bytes, expected ${size}`);
  return body;
}
