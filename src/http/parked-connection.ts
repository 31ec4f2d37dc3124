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
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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
 * started, on the next turn of the event loop: the wait may have begun inside the parser's own callback,
 * and a parser is never deleted while its stack is live (Node defers its own deletes the same way).
 */
export function releaseParserSoon(outgoing: ServerResponse): void {
  setImmediate(releaseParser, outgoing);
}

/** Returns whether it released the parser. */
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
