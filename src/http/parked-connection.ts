/**
 * Lets go of Node's HTTP parser while a request is parked. Node gives every open server connection a
 * native parser of ~10 KB (llhttp plus its header bookkeeping), kept until the connection closes, because
 * the same parser reads the connection's next request. Ten thousand parked command polls held ~96 MiB of
 * them, a third of the server's RSS. A parked poll reads nothing more from its connection, so its parser
 * is released at once, and the answer goes out with `Connection: close`: the agent opens a new connection
 * for its next poll (once a wait, at most one a minute per agent), whose parser is then fresh.
 *
 * Node has no public API for this; it does the same itself when a connection leaves HTTP for an upgrade
 * (`_http_server.js`: unconsume, remove from the server's connection list, free). What is used here is
 * checked first, and a connection whose parser is not as expected keeps it (and its keep-alive): the poll
 * then only costs the memory it used to.
 *
 * While released, the connection still reads: the client closing it is seen (`close`), which abandons the
 * wait; bytes it sends meanwhile (a pipelined request) go to the released parser, which ignores them, and
 * the connection closes after the answer.
 *
 * A released connection is no longer in Node's connection list, so `closeAllConnections()` does not reach
 * it: each server's released connections are kept here until they close, for `closeReleasedConnections`.
 *
 * Once its parser is released, the connection can also be *taken over* (`takeOverConnection`): Node's HTTP
 * server lets go of the socket (its listeners, which hold the connection's state, and the response) and the
 * answer is written to the socket as bytes (`answerOnSocket`). A parked poll then holds its socket and no
 * request or response objects: ~4 KB less per poll, 40 MB less with 10,000 parked.
 */
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { Socket } from 'node:net';

/** The parts of Node's internal HTTPParser (`process.binding('http_parser')`) this uses. */
interface NodeParser {
  incoming: IncomingMessage | null;
  socket: unknown;
  _consumed?: boolean;
  unconsume: () => void;
  remove: () => void;
  close: () => void;
}

/** Each server's released connections, until they close. */
const released = new WeakMap<Server, Set<Socket>>();

/** Destroys `server`'s released connections (at the shutdown deadline, with `closeAllConnections()`). */
export function closeReleasedConnections(server: Server): void {
  const sockets = released.get(server);
  if (!sockets) return;
  for (const socket of sockets) socket.destroy();
  sockets.clear();
}

/**
 * Releases the parser of `outgoing`'s connection, if it serves only this request and the answer has not
 * started. Call it on a later turn than the request's: a parser is never deleted while its stack is live
 * (Node defers its own deletes the same way). Returns whether it released the parser.
 */
export function releaseParser(outgoing: ServerResponse): boolean {
  const req = outgoing.req as IncomingMessage | undefined;
  const socket = outgoing.socket as (ServerResponse['socket'] & { parser?: NodeParser | null }) | null;
  const parser = socket?.parser;
  if (!req || !socket || !parser || outgoing.headersSent || socket.destroyed) return false; // headersSent: also once ended
  // Another request already parsed behind this one (pipelining), a body still arriving, or an unknown parser.
  if (parser.incoming !== req || !req.complete) return false;
  if (typeof parser.unconsume !== 'function' || typeof parser.remove !== 'function' || typeof parser.close !== 'function') return false;
  outgoing.shouldKeepAlive = false;
  if (parser._consumed) {
    parser.unconsume();
    parser._consumed = false;
  }
  // Out of the server's connection list (its header and request timeouts) before the native object goes.
  parser.remove();
  parser.incoming = null;
  parser.socket = null;
  socket.parser = null;
  parser.close();
  track(socket);
  return true;
}

type ServerSocket = Socket & { server?: Server };

function track(socket: ServerSocket): void {
  const server = socket.server;
  if (!server) return;
  let sockets = released.get(server);
  if (!sockets) {
    sockets = new Set();
    released.set(server, sockets);
  }
  sockets.add(socket);
  socket.on('close', forget); // one shared listener, no closure per connection ('close' comes once)
}

function forget(this: ServerSocket): void {
  if (this.server) released.get(this.server)?.delete(this);
}

/**
 * Node's HTTP server's listeners on a connection's socket (`_http_server.js`, Node 20–24): event and
 * function name, in pairs. The first REQUIRED_LISTENERS pairs must be there for a take-over; the others are
 * removed when they are. (Flat, and walked by index below: a take-over runs for every parked poll, and
 * destructuring, closures and a list of what was found cost ~4 KB of garbage per poll.)
 */
// biome-ignore format: event and function name, a pair per line
const NODE_LISTENERS = [
  'data', 'bound socketOnData',
  'end', 'bound socketOnEnd',
  'close', 'bound socketOnClose',
  'error', 'socketOnError',
  'drain', 'bound socketOnDrain',
  'timeout', 'socketOnTimeout',
  'resume', 'onSocketResume',
  'pause', 'onSocketPause',
] as const;
const REQUIRED_LISTENERS = 4;
/** The listeners found by the current take-over, by pair (reused: a take-over runs synchronously). */
const found: (((...args: unknown[]) => void) | undefined)[] = new Array(NODE_LISTENERS.length / 2);
/** Methods Node's HTTP server sets on the socket itself (to unconsume its parser when someone reads): the prototype's serve once the parser is gone. */
const WRAPPED_METHODS = ['on', 'addListener', 'prependListener', 'setEncoding'] as const;

function listenerNamed(socket: Socket, event: string, name: string): ((...args: unknown[]) => void) | undefined {
  const listeners = socket.listeners(event);
  for (let i = 0; i < listeners.length; i++) if (listeners[i]!.name === name) return listeners[i] as (...args: unknown[]) => void;
  return undefined;
}

/**
 * Releases the parser of `outgoing`'s connection (as `releaseParser`) and takes the connection away from
 * Node's HTTP server: its listeners go, the response lets go of the socket, and the socket reads on (and
 * ignores) until the client closes it or the answer goes out through `answerOnSocket`. Returns the socket,
 * or null when the connection is not as expected: then the response keeps it (with its parser released
 * when that was possible), as before.
 */
export function takeOverConnection(outgoing: ServerResponse): Socket | null {
  const socket = outgoing.socket as Socket | null;
  if (!socket || !releaseParser(outgoing)) return null;
  for (let p = 0; p < found.length; p++) {
    found[p] = listenerNamed(socket, NODE_LISTENERS[2 * p]!, NODE_LISTENERS[2 * p + 1]!);
    if (found[p] === undefined && p < REQUIRED_LISTENERS) return null;
  }
  for (let p = 0; p < found.length; p++) {
    const listener = found[p];
    found[p] = undefined;
    if (listener !== undefined) socket.removeListener(NODE_LISTENERS[2 * p]!, listener);
  }
  outgoing.detachSocket(socket);
  // Assigned rather than deleted: a delete turns the socket into a dictionary-mode object (~1.6 KB more).
  const own = socket as unknown as Record<string, unknown>;
  const proto = Object.getPrototypeOf(socket) as Record<string, unknown>;
  for (let i = 0; i < WRAPPED_METHODS.length; i++) {
    const method = WRAPPED_METHODS[i]!;
    if (Object.hasOwn(own, method)) own[method] = proto[method];
  }
  socket.on('data', ignore);
  socket.on('error', ignore); // a reset is seen as 'close'
  socket.on('end', destroyOnEnd); // the client half-closed: gone, as Node's server treats it
  if (socket.isPaused()) socket.resume();
  return socket;
}

function ignore(): void {}

function destroyOnEnd(this: Socket): void {
  this.destroy();
}

/** Response headers the connection itself decides on a taken-over socket. */
const CONNECTION_HEADERS = new Set(['connection', 'content-length', 'transfer-encoding', 'date', 'keep-alive']);

/**
 * Writes a whole answer to a taken-over socket and closes it once written: the status line, the headers
 * (validated as Node validates them), `Date`, `Connection: close` and `Content-Length`, then the body.
 * Nothing when the client has gone. Throws on an invalid header, before writing anything.
 */
export function answerOnSocket(socket: Socket, method: string, status: number, headers: Record<string, string>, body: string | Uint8Array | undefined): void {
  if (socket.destroyed || !socket.writable) return;
  const bodyless = status === 204 || status === 304 || (status >= 100 && status < 200);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  for (const name in headers) {
    if (CONNECTION_HEADERS.has(name.toLowerCase())) continue;
    const value = headers[name]!;
    validateHeaderName(name);
    validateHeaderValue(name, value);
    head += `${name}: ${value}\r\n`;
  }
  const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  head += `Date: ${new Date().toUTCString()}\r\nConnection: close\r\n${bodyless ? '' : `Content-Length: ${length}\r\n`}\r\n`;
  socket.cork();
  socket.write(head, 'latin1');
  if (body !== undefined && length > 0 && !bodyless && method !== 'HEAD') socket.write(body);
  socket.uncork();
  socket.destroySoon();
}
