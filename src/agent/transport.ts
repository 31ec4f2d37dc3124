/**
 * How the agent talks to the server: JSON requests with its key and a deadline, answered as a status (and
 * any `Retry-After`), never as an exception for an HTTP error. A 401 means the key was revoked or the agent
 * deleted: the agent stops instead of retrying (see KeyRejectedError).
 */
import { retryAfterMs } from '../sdk/retrying-fetch.ts';

export class KeyRejectedError extends Error {
  constructor(path: string) {
    super(`the server rejected this agent's key (401 on ${path}): it was revoked or the agent was deleted`);
    this.name = 'KeyRejectedError';
  }
}

export interface Answer {
  status: number;
  /** 0 when the request never got an answer (network error, timeout). */
  ok: boolean;
  retryAfterMs: number | null;
  etag: string | null;
  body: unknown;
  error?: string;
}

export class Transport {
  readonly server: string;
  #headers: Record<string, string>;

  constructor(server: string, apiKey: string | null) {
    this.server = server.replace(/\/+$/, '');
    this.#headers = apiKey ? { 'x-agent-api-key': apiKey } : {};
  }

  /** Every request from now on (heartbeats, polls, the outbox's uploads) carries this key. */
  switchKey(apiKey: string): void {
    this.#headers = { 'x-agent-api-key': apiKey };
  }

  async request(method: 'GET' | 'POST', path: string, options: { body?: string; timeoutMs?: number; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...this.#headers, ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await fetch(this.server + path, { method, headers, body: options.body, signal: deadline(options.timeoutMs ?? 30_000, options.signal) });
      const text = await res.text();
      if (res.status === 401 && this.#headers['x-agent-api-key']) throw new KeyRejectedError(path);
      let body: unknown = text;
      if (text && (res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
      return { status: res.status, ok: res.ok, retryAfterMs: retryAfterMs(res.headers.get('retry-after')), etag: res.headers.get('etag'), body };
    } catch (err) {
      if (err instanceof KeyRejectedError) throw err;
      return { status: 0, ok: false, retryAfterMs: null, etag: null, body: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  post(path: string, body: unknown, timeoutMs?: number): Promise<Answer> {
    return this.request('POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), timeoutMs });
  }
}

function deadline(ms: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}
