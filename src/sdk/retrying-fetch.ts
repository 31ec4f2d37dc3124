/**
 * The SDK's transport: retries with exponential backoff and full jitter on 429, 503 and network errors,
 * honouring `Retry-After`. A 429 or 503 means the server did not act on the request, so every method is
 * retried; after a network error the request may have been applied, so only requests that are safe to
 * repeat are: reads, PUT/DELETE, and POSTs carrying an `Idempotency-Key` (added up front to every POST the
 * contract marks `x-idempotent`, so that the retry replays the first answer instead of acting twice).
 */
import { randomUUID } from 'node:crypto';
import { operationTable } from '../../generated/operations.ts';

export interface RetryOptions {
  /** Attempts after the first (default 4). 0 turns retries off. */
  retries?: number;
  /** Backoff base: the n-th retry waits up to base·2ⁿ (default 200 ms). */
  baseDelayMs?: number;
  /** Longest wait between attempts, `Retry-After` included (default 30 s). */
  maxDelayMs?: number;
  /** Called before each retry (logging, metrics). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string; request: Request }) => void;
}

type Fetch = (input: Request) => Promise<Response>;

const RETRIED_STATUSES = new Set([429, 503]);
const REPEATABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Path templates of the POSTs that honour `Idempotency-Key`, as regular expressions. */
const idempotentPosts = operationTable.filter((op) => op.method === 'POST' && op.idempotent).map((op) => new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`));

export function isIdempotentPost(method: string, pathname: string): boolean {
  return method === 'POST' && idempotentPosts.some((re) => re.test(pathname));
}

/** Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Full jitter: uniform in [0, min(max, base·2^attempt)]. */
export function backoffMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random = Math.random): number {
  return random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
}

/** 429 and 503: the server did not act on the request and asks for it again later. */
export const isRetriedStatus = (status: number): boolean => RETRIED_STATUSES.has(status);

/**
 * The wait before retry `attempt` after a 429 or 503: the server's `Retry-After` plus a little jitter, so that
 * a crowd told the same second does not return together, else full-jitter backoff; at most `maxDelayMs`.
 */
export function retryDelayMs(attempt: number, retryAfter: number | null, baseDelayMs: number, maxDelayMs: number): number {
  return retryAfter === null ? backoffMs(attempt, baseDelayMs, maxDelayMs) : Math.min(maxDelayMs, retryAfter + backoffMs(0, baseDelayMs, baseDelayMs));
}

export function retryingFetch(inner: Fetch = globalThis.fetch, options: RetryOptions = {}): Fetch {
  const retries = options.retries ?? 4;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 30_000;
  return async (original) => {
    const request = withIdempotencyKey(original);
    const repeatable = REPEATABLE_METHODS.has(request.method) || request.headers.has('idempotency-key');
    for (let attempt = 0; ; attempt++) {
      // The body of a Request is read once: every attempt sends a copy, the original stays unread.
      const copy = request.clone();
      let reason: string;
      let delayMs: number;
      try {
        const res = await inner(copy);
        if (!isRetriedStatus(res.status) || attempt >= retries) return res;
        reason = `status ${res.status}`;
        delayMs = retryDelayMs(attempt, retryAfterMs(res.headers.get('retry-after')), base, max);
        await res.body?.cancel();
      } catch (err) {
        if (request.signal.aborted || !repeatable || attempt >= retries) throw err;
        reason = err instanceof Error ? err.message : String(err);
        delayMs = backoffMs(attempt, base, max);
      }
      options.onRetry?.({ attempt: attempt + 1, delayMs, reason, request });
      await sleep(delayMs, request.signal);
    }
  };
}

function withIdempotencyKey(request: Request): Request {
  if (request.headers.has('idempotency-key') || !isIdempotentPost(request.method, new URL(request.url).pathname)) return request;
  const headers = new Headers(request.headers);
  headers.set('idempotency-key', randomUUID());
  return new Request(request, { headers });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
