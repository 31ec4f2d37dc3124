/**
 * Answers that wait a long time (parked long polls) without holding the request's promise chain or its
 * Hono context. Ten thousand parked polls each held Hono's dispatch and context (17 closures of its own),
 * the request scope, the route, the handler and two async frames of @hono/node-server's listener: more
 * than half of what a parked poll cost on the heap. Once such an answer starts waiting, the request is
 * *detached*: Hono and @hono/node-server get RESPONSE_ALREADY_SENT and let go, and a `LongAnswer` record
 * keeps what the answer needs (the request's URL, method and the few headers answers read, its variables,
 * and Node's response). On the next turn the connection is taken away from Node's HTTP server
 * (parked-connection.ts), and the socket replaces the response. When the answer comes, a fresh Hono context
 * is made from them, the answer is built and finished there as usual (errors, compression, headers,
 * metrics, access log), and written to the socket (or to Node's response when the connection could not be
 * taken over). A detached request whose client closes the connection abandons its wait.
 *
 * Only requests served by Node's HTTP server detach; in-process ones (`app.request()`) keep the chain.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Context } from 'hono';
import type { AppEnv, AppVariables } from './env.ts';
import { requestHeader } from './headers.ts';
import { answerOnSocket, takeOverConnection } from './parked-connection.ts';

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

/**
 * The request headers a detached answer is finished with: content negotiation, compression and CORS read
 * them. Only these are kept while the request waits (not the credentials, nor the rest).
 */
const ANSWER_HEADERS = ['accept', 'accept-encoding', 'origin'] as const;

/** What a detached answer keeps of its request, instead of Node's and @hono/node-server's objects. */
interface RequestCopy {
  url: string;
  method: string;
  path: string;
  /** The values of ANSWER_HEADERS, in that order. */
  headers: (string | undefined)[];
}

/** One long answer: through the chain until it waits, then detached. */
export class LongAnswer {
  /** What goes back through the chain: the answer, or DETACHED once waiting. */
  readonly response: Promise<Response>;
  /** Settle `response`; null once it is settled (a detached request holds neither). */
  private resolve: ((res: Response) => void) | null = null;
  private reject: ((err: unknown) => void) | null = null;
  /** The request's context until detached. */
  private c: Context<AppEnv> | null;
  /** Node's response, until the connection is taken over (then the socket answers). */
  private outgoing: ServerResponse | null;
  private socket: Socket | null = null;
  /** Once detached: what the answer needs of the request, and the variables kept. */
  private request: RequestCopy | null = null;
  private vars: Kept | null = null;
  private abandon: (() => void) | null = null;
  /** Set once the answer is being written: the connection is no longer taken over, and its closing abandons nothing. */
  private answering = false;
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
    this.request = { url: c.req.url, method: c.req.method, path: c.req.path, headers: ANSWER_HEADERS.map((name) => requestHeader(c, name)) };
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
    this.abandon = abandon;
    abandonOnClose(this.outgoing!, abandon);
    // On the next turn: the wait may have begun inside the parser's own callback (see parked-connection.ts).
    setImmediate(takeOver, this);
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

  /** Takes the connection away from Node's HTTP server while waiting, unless the answer has begun. */
  takeOver(): void {
    if (this.answering || this.outgoing === null) return;
    const socket = takeOverConnection(this.outgoing);
    if (socket === null) return;
    this.outgoing = null;
    this.socket = socket;
    socket.on('close', this.onSocketClose);
  }

  private readonly onSocketClose = (): void => {
    if (!this.answering) this.abandon?.();
  };

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

  /** Builds the answer in a fresh context, finishes it like any other and writes it to the connection. */
  private write(build: BuildAnswer, { finish, onError }: Finishing): void {
    this.answering = true;
    const request = this.request!;
    const outgoing = this.outgoing;
    const headers: [string, string][] = [];
    ANSWER_HEADERS.forEach((name, i) => {
      const value = request.headers[i];
      if (value !== undefined) headers.push([name, value]);
    });
    const env = outgoing === null ? {} : { incoming: outgoing.req, outgoing };
    const c = new Context<AppEnv>(new Request(request.url, { method: request.method, headers }), { env, path: request.path });
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
      .then((finished) => (finished === c.get('builtResponse') ? this.send(finished.status, this.builtHeaders!, this.builtText ?? undefined) : this.writeResponse(finished)))
      .catch((err: unknown) => {
        this.socket?.destroy();
        vars.baseLogger.error({ err, requestId: vars.requestId }, 'writing a detached answer failed');
      });
  }

  /** Writes a finished answer that our builders did not make (its body read whole). */
  private async writeResponse(res: Response): Promise<void> {
    const body = res.body === null ? undefined : new Uint8Array(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    this.send(res.status, headers, body);
  }

  /** Writes the answer to the taken-over socket, or to Node's response (nothing once the client has gone). */
  private send(status: number, headers: Record<string, string>, body: string | Uint8Array | undefined): void {
    if (this.socket !== null) {
      answerOnSocket(this.socket, this.request!.method, status, headers, body);
      return;
    }
    const outgoing = this.outgoing!;
    if (outgoing.writableEnded || outgoing.destroyed) return;
    if (body !== undefined && typeof body !== 'string') headers['content-length'] = String(body.byteLength);
    outgoing.writeHead(status, headers);
    outgoing.end(body);
  }
}

/** A top-level function for setImmediate (no closure per answer). */
function takeOver(answer: LongAnswer): void {
  answer.takeOver();
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
