/**
 * Answers that wait a long time (parked long polls) without holding the request's promise chain. Ten
 * thousand parked polls each held Hono's dispatch, the request scope, the route, the handler and two async
 * frames of @hono/node-server's listener, about half of what a parked poll cost on the heap. Once such an
 * answer starts waiting, the request is *detached*: Hono and @hono/node-server get RESPONSE_ALREADY_SENT
 * and let go, and the request scope keeps only the Hono context and one continuation, which finishes the
 * answer as usual (errors, compression, headers, metrics, access log) and writes it to Node's response
 * itself. A detached request whose client closes the connection abandons its wait.
 *
 * Only requests served by Node's HTTP server detach; in-process ones (`app.request()`) keep the chain.
 */
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * What a detached request answers Hono with: @hono/node-server then writes nothing. (Created when the
 * module loads, before @hono/node-server replaces the global Response, which is what makes it recognised.)
 */
export const DETACHED: Response = RESPONSE_ALREADY_SENT;

/** Called by a long answer when it starts waiting, with the way to abandon the wait should the client go. */
export type OnWait = (abandon: () => void) => void;

/**
 * Runs a long answer. `run` calls `onWait` when it starts waiting (at most once); from then on the request
 * is detached and the answer `run` resolves with is written to the response when it comes. Resolves with
 * that answer when it comes before any wait, with DETACHED otherwise.
 */
export function longAnswer(c: Context<AppEnv>, run: (onWait: OnWait | undefined) => Promise<Response>): Promise<Response> {
  const outgoing = nodeResponse(c);
  if (outgoing === undefined) return run(undefined);
  return new Promise<Response>((resolve, reject) => {
    let answer: Promise<Response> | undefined;
    const onWait: OnWait = (abandon) => {
      // `run` waits only after a first look that awaits: `answer` is set by then.
      c.set('detachedAnswer', answer!);
      outgoing.once('close', () => {
        if (!outgoing.writableEnded) abandon();
      });
      resolve(DETACHED);
    };
    answer = run(onWait);
    // Before any wait: the answer goes back through the chain as usual (after a wait this settles nothing).
    answer.then(resolve, reject);
  });
}

/** Node's response to write a detached answer to; undefined for in-process requests. */
export function nodeResponse(c: Context<AppEnv>): ServerResponse | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}

/** Writes a finished answer to Node's response (nothing once the client has gone). */
export async function writeResponse(outgoing: ServerResponse, res: Response): Promise<void> {
  const body = res.body === null ? undefined : Buffer.from(await res.arrayBuffer());
  if (outgoing.writableEnded || outgoing.destroyed) return;
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (body !== undefined) headers['content-length'] = String(body.byteLength);
  outgoing.writeHead(res.status, headers);
  outgoing.end(body);
}
