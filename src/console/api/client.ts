/**
 * The contract's typed client. The browser sends the session cookie itself (same origin); no token is
 * kept in JavaScript. Every answer goes through `data()`, which turns a problem+json into an ApiError.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../../../generated/api.d.ts';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Partial<Problem>;
  readonly requestId: string | null;

  constructor(status: number, problem: Partial<Problem>, requestId: string | null) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.requestId = requestId;
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer; an ApiError with the problem details and request id otherwise. */
export async function data<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data: body, error, response } = await call;
  if (response.ok) return body as T; // a 2xx answer carries the operation's declared body (204: undefined)
  const problem = typeof error === 'object' && error !== null ? (error as Partial<Problem>) : { detail: String(error ?? response.statusText) };
  throw new ApiError(response.status, problem, response.headers.get('x-request-id'));
}
