/**
 * The simulator's HTTP client: node:http on a bounded keep-alive pool (one process speaking for thousands
 * of agents must not open a socket per agent), timing each request for the statistics.
 */
import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  body: string;
  ms: number;
  error?: string;
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
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), ms: performance.now() - started }));
          res.on('error', (err) => resolve({ status: 0, body: '', ms: performance.now() - started, error: err.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve({ status: 0, body: '', ms: performance.now() - started, error: err.message }));
      req.end(body);
    }).finally(() => {
      if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    });
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
