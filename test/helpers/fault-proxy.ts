/**
 * A real HTTP proxy on loopback in front of a server, answering from a script of faults before it forwards:
 * `{ status, retryAfter }` answers that status itself (a problem+json, as a load balancer or an overloaded
 * instance would), `'reset'` closes the connection without an answer, `'reset-after'` forwards the request,
 * lets the server act on it, then closes the connection before the answer reaches the client.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = { status: number; retryAfter?: string } | 'reset' | 'reset-after';

export interface FaultProxy {
  url: string;
  /** Faults to apply to the next requests, in order; later requests are forwarded. */
  inject(...faults: Fault[]): void;
  /** Requests seen, as `METHOD path` with their Idempotency-Key (or null). */
  seen: { line: string; idempotencyKey: string | null }[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const faults: Fault[] = [];
  const seen: FaultProxy['seen'] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    seen.push({ line: `${req.method} ${req.url}`, idempotencyKey: header(req, 'idempotency-key') });
    const fault = faults.shift();
    if (fault === 'reset') return void req.socket.destroy();
    if (fault && typeof fault === 'object') {
      const body = JSON.stringify({ type: 'https://agentry.dev/problems/unavailable', title: 'Injected fault', status: fault.status });
      res.writeHead(fault.status, { 'content-type': 'application/problem+json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
      return void res.end(body);
    }
    forward(upstream, req, res, fault === 'reset-after');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo; // listen() on a TCP port always yields an AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    inject: (...more) => void faults.push(...more),
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(upstream: URL, req: IncomingMessage, res: ServerResponse, dropAnswer: boolean): void {
  const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    if (dropAnswer) {
      answer.resume();
      answer.on('end', () => req.socket.destroy());
      return;
    }
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => req.socket.destroy());
  req.pipe(out);
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}
