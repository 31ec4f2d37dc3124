/** Async iterators over cursor pages and over the tenant's event feed (long poll). */
import type { components } from '../../generated/api.d.ts';
import type { AgentryClient } from '../../generated/client.ts';
import { ok, throwIfProblem } from './problem.ts';

export type Event = components['schemas']['Event'];

/**
 * Every item of a cursor-paged list, page after page:
 * `for await (const a of items((cursor) => client.GET('/api/v1/agents', { params: { query: { cursor } } })))`.
 * A non-2xx page throws a ProblemError.
 */
export async function* items<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ data?: { items: T[]; nextCursor: string | null }; error?: unknown; response: Response }>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    throwIfProblem(page);
    if (!page.data) throw new Error('a 2xx page without a body');
    yield* page.data.items;
    const { nextCursor } = page.data;
    cursor = nextCursor ?? undefined;
  } while (cursor !== undefined);
}

export interface EventFeedOptions {
  /** The last offset already seen (default 0: from the start of retention). */
  offset?: number;
  /** Seconds each poll parks waiting for an event (default 30, at most 60). */
  waitSec?: number;
  types?: string[];
  limit?: number;
  signal?: AbortSignal;
}

/**
 * The event feed as an endless stream: long-polls `GET /api/v1/events` and yields each event once, in
 * offset order. It ends when `signal` aborts. An offset past retention throws a ProblemError (410).
 */
export async function* events(client: AgentryClient, options: EventFeedOptions = {}): AsyncGenerator<Event, void, undefined> {
  let offset = options.offset ?? 0;
  const wait = options.waitSec ?? 30;
  while (!options.signal?.aborted) {
    const query = { offset, wait, limit: options.limit, types: options.types };
    let page: Awaited<ReturnType<typeof fetchEvents>>;
    try {
      page = await fetchEvents(client, query, options.signal);
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    }
    yield* page.events;
    offset = page.nextOffset;
  }
}

function fetchEvents(client: AgentryClient, query: { offset: number; wait: number; limit?: number; types?: EventFeedOptions['types'] }, signal?: AbortSignal) {
  return ok(client.GET('/api/v1/events', { params: { query }, signal }));
}
