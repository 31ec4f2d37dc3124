/** Typed problem errors: a non-2xx answer of the API as an exception carrying its RFC 9457 body. */
import type { components } from '../../generated/api.d.ts';

export type Problem = components['schemas']['Problem'];

export class ProblemError extends Error {
  readonly status: number;
  /** The stable problem type, e.g. `https://agentry.dev/problems/rate-limited`. */
  readonly type: string;
  readonly problem: Problem;
  readonly response: Response;

  constructor(problem: Problem, response: Response) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.name = 'ProblemError';
    this.status = problem.status;
    this.type = problem.type;
    this.problem = problem;
    this.response = response;
  }

  /** The short kind of the problem type (`rate-limited`, `not-found`, …). */
  get kind(): string {
    return this.type.slice(this.type.lastIndexOf('/') + 1);
  }
}

type Result = { data?: unknown; error?: unknown; response: Response };
/** The success branch of an openapi-fetch result. */
type Success<R extends Result> = Extract<R, { error?: never }>['data'];

/** Awaits an openapi-fetch call and returns its data, or throws a ProblemError for a non-2xx answer. */
export async function ok<R extends Result>(pending: Promise<R>): Promise<Success<R>> {
  const result = await pending;
  throwIfProblem(result);
  // openapi-fetch puts the parsed body in `data` exactly when the answer is a 2xx, which was just checked.
  return result.data as Success<R>;
}

/** Throws a ProblemError when the result is not a 2xx. */
export function throwIfProblem(result: Result): void {
  if (!result.response.ok) throw new ProblemError(asProblem(result.error, result.response), result.response);
}

/** The error body as a problem; an answer that is not problem+json (a proxy's HTML page) gets a synthetic one. */
function asProblem(body: unknown, response: Response): Problem {
  if (body && typeof body === 'object' && 'type' in body && 'title' in body && 'status' in body) {
    const { type, title, status } = body;
    if (typeof type === 'string' && typeof title === 'string' && typeof status === 'number') return { ...body, type, title, status };
  }
  return { type: 'about:blank', title: response.statusText || 'HTTP error', status: response.status, detail: typeof body === 'string' ? body.slice(0, 500) : undefined };
}
