/**
 * `agentry/client`: the typed client generated from the contract (openapi-typescript types plus
 * openapi-fetch), with auth headers, retries, typed problem errors and async iterators.
 *
 *   const api = createClient({ baseUrl: 'http://127.0.0.1:8080', token: process.env.AGENTRY_TOKEN });
 *   const info = await ok(api.GET('/api/v1'));
 */
import { createAgentryClient, type AgentryClient } from '../../generated/client.ts';
import { retryingFetch, type RetryOptions } from './retrying-fetch.ts';

export type { components, operations, paths } from '../../generated/api.d.ts';
export type { AgentryClient } from '../../generated/client.ts';
export { events, items, type Event, type EventFeedOptions } from './iterate.ts';
export { ok, ProblemError, type Problem } from './problem.ts';
export { backoffMs, retryAfterMs, retryingFetch, type RetryOptions } from './retrying-fetch.ts';

export interface ClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8080` (paths carry `/api/v1`). */
  baseUrl: string;
  /** An operator token (`opk_…`), sent as `Authorization: Bearer`. */
  token?: string;
  /** An agent key (`agk_…`), sent as `X-Agent-API-Key`. */
  agentKey?: string;
  /** Retry policy; `false` sends each request once. */
  retry?: RetryOptions | false;
  headers?: Record<string, string>;
  /** The underlying fetch (default: the global one). */
  fetch?: (input: Request) => Promise<Response>;
}

export function createClient(options: ClientOptions): AgentryClient {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.agentKey) headers['x-agent-api-key'] = options.agentKey;
  const base = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const fetch = options.retry === false ? base : retryingFetch(base, options.retry);
  return createAgentryClient({ baseUrl: options.baseUrl.replace(/\/+$/, ''), headers, fetch });
}
