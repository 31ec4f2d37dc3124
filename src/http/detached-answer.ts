/**
 * Answers that wait a long time (parked long polls) without holding the request's promise chain or its
 * Hono context. Ten thousand parked polls each held Hono's dispatch and context (17 closures of its own),
 * the request scope, the route, the handler and two async frames of @hono/node-server's listener: more
 * than half of what a parked poll cost on the heap. Once such an answer starts waiting, the request is
 * *detached*: Hono and @hono/node-server get RESPONSE_ALREADY_SENT and let go, and a `LongAnswer` record
 * keeps what the answer needs (Node's response, @hono/node-server's request, the request's variables).
 * When the answer comes, a fresh Hono context is made from them, the answer is built and finished there as
 * usual (errors, compression, headers, metrics, access log), and written to Node's response. A detached
 * request whose client closes the connection abandons its wait.
 *
 * Only requests served by Node's HTTP server detach; in-process ones (`app.request()`) keep the chain.
 */
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Context } from 'hono';
import type { AppEnv, AppVariables } from './env.ts';
import { releaseParserSoon } from './parked-connection.ts';

/**
 * What a detached request answers Hono with: @hono/node-server then writes nothing. (Created when the
 * module loads, before @hono/node-server replaces the global Response, which is what makes it recognised.)
 */
export const DETACHED: Response = RESPONSE_ALREADY_SENT;

/** Builds the answer's response in the context it is given (the request's own, or a fresh one after detaching). */
export type BuildAnswer = (c: Context<AppEnv>) => Response;

/** Called by a long answer when it starts waiting, with the way to abandon the wait should the client go. */
export type OnWait = (abandon: () => void) => void;

/** How the request scope finishes an answer: its `finish` step and its error mapping. */
export interface Finishing {
  finish: (c: Context<AppEnv>, res: Response, started: number) => Response | Promise<Response>;
  onError: (c: Context<AppEnv>, err: unknown) => Response;
}

/**
 * Runs a long answer. `run` calls `onWait` when it starts waiting (at most once); from then on the request
 * is detached. Resolves with the answer when it comes before any wait, with DETACHED otherwise.
 */
export function longAnswer(c: Context<AppEnv>, run: (onWait: OnWait | undefined) => Promise<BuildAnswer>): Promise<Response> {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing === undefined) return run(undefined).then((build) => build(c));
  const answer = new LongAnswer(c, outgoing);
  run(answer.onWait).then(answer.done, answer.failed);
  return answer.response;
}

/** The variables a fresh context gets back (the builders, the scope's finish and the error mapping read them). */
const KEPT = ['requestId', 'baseLogger', 'log', 'responseHeaders', 'clientIp', 'operation', 'principal'] as const;
type Kept = { [K in (typeof KEPT)[number]]: AppVariables[K] };

/** One long answer: through the chain until it waits, then detached. */
export class LongAnswer {
  /** What goes back through the chain: the answer, or DETACHED once waiting. */
  readonly response: Promise<Response>;
  /** Settle `response`; null once it is settled (a detached request holds neither). */
  private resolve: ((res: Response) => void) | null = null;
  private reject: ((err: unknown) => void) | null = null;
  /** The request's context until detached. */
  private c: Context<AppEnv> | null;
  private readonly outgoing: ServerResponse;
  /** Once detached: @hono/node-server's request, its path and the variables kept. */
  private raw: Request | null = null;
  private path = '/';
  private vars: Kept | null = null;
  /** Set by the scope once the chain has let go. */
  private finishing: Finishing | null = null;
  private started = 0;
  /** The body and headers of the response a builder made in the fresh context (written as they are). */
  private builtText: string | null = null;
  private builtHeaders: Record<string, string> | null = null;
  /** An outcome that came before the scope attached. */
  private early: { build: BuildAnswer } | { err: unknown } | null = null;

  constructor(c: Context<AppEnv>, outgoing: ServerResponse) {
    this.c = c;
    this.outgoing = outgoing;
    this.response = new Promise<Response>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  readonly onWait: OnWait = (abandon) => {
    const c = this.c!;
    this.raw = c.req.raw;
    this.path = c.req.path;
    this.vars = {
      requestId: c.get('requestId'),
      baseLogger: c.get('baseLogger'),
      log: c.get('log'),
      responseHeaders: c.get('responseHeaders'),
      clientIp: c.get('clientIp'),
      operation: c.get('operation'),
      principal: c.get('principal'),
    };
    c.set('detached', this);
    this.c = null;
    abandonOnClose(this.outgoing, abandon);
    releaseParserSoon(this.outgoing);
    this.settle(DETACHED, null);
  };

  readonly done = (build: BuildAnswer): void => {
    if (this.c !== null) this.settleInChain(() => build(this.c!));
    else if (this.finishing === null) this.early = { build };
    else this.write(build, this.finishing);
  };

  readonly failed = (err: unknown): void => {
    if (this.c !== null) this.settle(null, err);
    else if (this.finishing === null) this.early = { err };
    else this.write(fail(err), this.finishing);
  };

  /** A builder made a response in the fresh context (response.ts): its body and headers, written without reading the response back. */
  built(text: string | null, headers: Record<string, string>): void {
    this.builtText = text;
    this.builtHeaders = headers;
  }

  /** The scope, once the chain has let go: how to finish the answer, and when the request began. */
  attach(finishing: Finishing, started: number): void {
    this.finishing = finishing;
    this.started = started;
    const early = this.early;
    this.early = null;
    if (early !== null) this.write('build' in early ? early.build : fail(early.err), finishing);
  }

  private settleInChain(build: () => Response): void {
    try {
      this.settle(build(), null);
    } catch (err) {
      this.settle(null, err);
    }
  }

  private settle(res: Response | null, err: unknown): void {
    const { resolve, reject } = this;
    this.resolve = this.reject = null;
    if (res !== null) resolve?.(res);
    else reject?.(err);
  }

  /** Builds the answer in a fresh context, finishes it like any other and writes it to Node's response. */
  private write(build: BuildAnswer, { finish, onError }: Finishing): void {
    const c = new Context<AppEnv>(this.raw!, { env: { incoming: this.outgoing.req, outgoing: this.outgoing }, path: this.path });
    const vars = this.vars!;
    for (const k of KEPT) c.set(k, vars[k] as never); // each key's own value, read from the request's context
    c.set('detached', this);
    let res: Response;
    try {
      res = build(c);
    } catch (err) {
      res = onError(c, err);
    }
    Promise.resolve(finish(c, res, this.started))
      .then((finished) => (finished === c.get('builtResponse') ? this.writeBuilt(finished.status) : writeResponse(this.outgoing, finished)))
      .catch((err: unknown) => vars.baseLogger.error({ err, requestId: vars.requestId }, 'writing a detached answer failed'));
  }

  /** Writes the response a builder made, from its body and headers (nothing once the client has gone). */
  private writeBuilt(status: number): void {
    const outgoing = this.outgoing;
    if (outgoing.writableEnded || outgoing.destroyed) return;
    outgoing.writeHead(status, this.builtHeaders!);
    outgoing.end(this.builtText ?? undefined);
  }
}

/** An answer that throws what the long answer failed with, for the scope's error mapping. */
function fail(err: unknown): BuildAnswer {
  return () => {
    throw err;
  };
}

/** A top-level function, so that the listener holds only these two (`on`, not `once`: no wrapper, and abandoning twice is harmless). */
function abandonOnClose(outgoing: ServerResponse, abandon: () => void): void {
  // The client may have gone during the first look, before there was anything to abandon.
  if (outgoing.destroyed && !outgoing.writableEnded) {
    abandon();
    return;
  }
  outgoing.on('close', () => {
    if (!outgoing.writableEnded) abandon();
  });
}

/** Writes a finished answer to Node's response (nothing once the client has gone). */
async function writeResponse(outgoing: ServerResponse, res: Response): Promise<void> {
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
