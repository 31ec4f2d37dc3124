/**
 * The simulator's HTTP client: node:http on a bounded keep-alive pool (one process speaking for thousands
 * of agents must not open a socket per agent), timing each request for the statistics. A 429 or 503 is
 * waited out and sent again, as a real agent does (Retry-After, else backoff with jitter).
 */
import { Agent, request } from 'node:http';
import { isRetriedStatus, retryAfterMs, retryDelayMs } from '../sdk/retrying-fetch.ts';

export interface Reply {
  status: number;
  body: string;
  ms: number;
  /** What a 429 or 503 asked for in Retry-After, when it did. */
  retryAfterMs: number | null;
  /** A 429 or 503 left unsent again because the simulation stopped. */
  dropped?: boolean;
  error?: string;
}

/** Attempts of one request at most before its last 429 or 503 counts as a failure. */
const MAX_ATTEMPTS = 10;
/** Longest wait between attempts, Retry-After included. */
const MAX_WAIT_MS = 30_000;

export interface PatientOptions {
  /** Called for each 429 or 503 waited out. */
  onThrottled: (reply: Reply) => void;
  /** True once the simulation is over: a throttled request is then dropped instead of sent again. */
  stopped: () => boolean;
}

export class SimHttp {
  readonly #agent: Agent;
  readonly #url: URL;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(server: string, maxSockets: number) {
    this.#url = new URL(server);
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string, timeoutMs = 60_000): Promise<Reply> {
    const started = performance.now();
    this.#inFlight++;
    return new Promise<Reply>((resolve) => {
      const req = request(
        {
          host: this.#url.hostname,
          port: this.#url.port,
          method,
          path,
          agent: this.#agent,
          timeout: timeoutMs,
          headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          const status = res.statusCode ?? 0;
          const header = res.headers['retry-after'];
          const retry = isRetriedStatus(status) && typeof header === 'string' ? retryAfterMs(header) : null;
          res.on('end', () => resolve({ status, body: Buffer.concat(parts).toString('utf8'), ms: performance.now() - started, retryAfterMs: retry }));
          res.on('error', (err) => resolve({ status: 0, body: '', ms: performance.now() - started, retryAfterMs: null, error: err.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve({ status: 0, body: '', ms: performance.now() - started, retryAfterMs: null, error: err.message }));
      req.end(body);
    }).finally(() => {
      if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    });
  }

  /**
   * `send`, with each 429 or 503 waited out (its Retry-After plus up to 200 ms of jitter, else exponential
   * backoff) and the request sent again, up to MAX_ATTEMPTS. Returns the last answer: a throttled one when
   * the attempts ran out, or marked `dropped` when the simulation stopped meanwhile (not a failure then).
   */
  async sendPatiently(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body: string | undefined, o: PatientOptions): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      const reply = await this.send(method, path, headers, body);
      if (!isRetriedStatus(reply.status)) return reply;
      o.onThrottled(reply);
      if (o.stopped()) return { ...reply, dropped: true };
      if (attempt >= MAX_ATTEMPTS) return reply;
      await new Promise((r) => setTimeout(r, retryDelayMs(attempt, reply.retryAfterMs, 200, MAX_WAIT_MS)));
      if (o.stopped()) return { ...reply, dropped: true };
    }
  }

  /** Resolves once no request is in flight (or after `timeoutMs`). */
  idle(timeoutMs: number): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
