/**
 * Releasing Node's HTTP parser of a parked request, and taking its connection over from Node's HTTP server
 * (src/http/parked-connection.ts), on a real `node:http` server and real sockets: the answer still arrives
 * (with `Connection: close`), a client that goes is still seen, the server keeps serving new connections
 * and closes cleanly, a request that is not alone on its connection keeps its parser, and a taken-over
 * connection lets go of Node's request and response.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { answerOnSocket, closeReleasedConnections, releaseParser, takeOverConnection } from '../../../src/http/parked-connection.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = null;
});

async function serve(handler: Handler): Promise<number> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A raw socket, to see exactly what the server writes and whether it closes. */
async function rawClient(port: number): Promise<{ socket: Socket; received: () => string; ended: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    text += d;
  });
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received: () => text, ended };
}

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
const parserOf = (res: ServerResponse) => (res.socket as unknown as { parser: unknown } | null)?.parser ?? null;

/** A server that parks every request and releases its parser on the next turn, and a client whose `GET /wait` has parked there. */
async function parkedRequest(onRequest?: () => void) {
  const parked: ServerResponse[] = [];
  const released: boolean[] = [];
  const port = await serve((_req, res) => {
    onRequest?.();
    setImmediate(() => {
      released.push(releaseParser(res));
      parked.push(res);
    });
  });
  const client = await rawClient(port);
  client.socket.write(GET('/wait'));
  while (parked.length === 0) await new Promise((r) => setTimeout(r, 5));
  return { res: parked[0]!, released: released[0]!, client };
}

describe('releaseParser', () => {
  it('lets go of the parser of a request alone on its connection; the answer arrives and closes the connection', async () => {
    const { res, released, client } = await parkedRequest();
    expect(released).toBe(true);
    expect(parserOf(res)).toBeNull();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '8' });
    res.end('answered');
    await client.ended;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(client.received()).toMatch(/\r\nConnection: close\r\n/i);
    expect(client.received()).toMatch(/\r\n\r\nanswered$/);
  });

  it('still sees the client go while released, and serves new connections after', async () => {
    const parked: ServerResponse[] = [];
    const port = await serve((req, res) => {
      if (req.url === '/now') {
        res.end('now');
        return;
      }
      setImmediate(() => {
        expect(releaseParser(res)).toBe(true);
        parked.push(res);
      });
    });
    const c = await rawClient(port);
    c.socket.write(GET('/wait'));
    while (parked.length === 0) await new Promise((r) => setTimeout(r, 5));
    const closed = once(parked[0]!, 'close');
    c.socket.destroy();
    await closed;
    expect(parked[0]!.writableEnded).toBe(false);

    // A keep-alive connection opened afterwards gets a fresh parser and serves two requests.
    const k = await rawClient(port);
    k.socket.write(GET('/now'));
    k.socket.write(GET('/now'));
    while ((k.received().match(/\r\n\r\nnow/g) ?? []).length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(k.received()).not.toMatch(/Connection: close/i);
    k.socket.destroy();
  });

  it('ignores what a client sends while released (its next request waits for a new connection)', async () => {
    let requests = 0;
    const { res, client } = await parkedRequest(() => requests++);
    client.socket.write(GET('/second'));
    await new Promise((r) => setTimeout(r, 50));
    expect(requests).toBe(1);
    res.setHeader('content-length', '5');
    res.end('first');
    await client.ended;
    expect(client.received()).toMatch(/\r\n\r\nfirst$/);
  });

  it('keeps the parser when another request is already parsed behind this one, or the answer has started', async () => {
    const results: boolean[] = [];
    const parked: ServerResponse[] = [];
    const port = await serve((req, res) => {
      parked.push(res);
      if (req.url === '/started') {
        res.writeHead(200);
        res.write('partial');
        results.push(releaseParser(res));
        res.end();
        return;
      }
      // The first of two pipelined requests: by the next turn the parser has read the second one.
      if (req.url === '/first') setImmediate(() => results.push(releaseParser(res)));
    });
    const c = await rawClient(port);
    c.socket.write(GET('/first') + GET('/second'));
    while (results.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(results).toEqual([false]);
    expect(parserOf(parked[0]!)).not.toBeNull();
    parked[0]!.end('one');
    c.socket.destroy();

    const d = await rawClient(port);
    d.socket.write(GET('/started'));
    while (results.length === 1) await new Promise((r) => setTimeout(r, 5));
    expect(results).toEqual([false, false]);
    d.socket.destroy();
  });

  it('closes released connections on request, which closeAllConnections() no longer reaches', async () => {
    const { res, client } = await parkedRequest();
    const closing = new Promise((r) => server!.close(r));
    server!.closeAllConnections();
    closeReleasedConnections(server!);
    await client.ended;
    await closing;
    expect(res.writableEnded).toBe(false);
    server = null;
  });

  it('lets the server close once the released request has answered', async () => {
    const { res, client } = await parkedRequest();
    const closing = new Promise((r) => server!.close(r));
    res.end('bye');
    await closing;
    await client.ended;
    server = null;
  });
});

/** A server that takes over every request's connection on the next turn, and a client whose `GET /wait` is parked there. */
async function takenOver(request = GET('/wait')) {
  const sockets: (Socket | null)[] = [];
  const port = await serve((_req, res) => {
    setImmediate(() => sockets.push(takeOverConnection(res)));
  });
  const client = await rawClient(port);
  client.socket.write(request);
  while (sockets.length === 0) await new Promise((r) => setTimeout(r, 5));
  return { socket: sockets[0]!, client };
}

describe('takeOverConnection', () => {
  it('answers on the socket with Date, Connection: close and Content-Length, then closes it', async () => {
    const { socket, client } = await takenOver();
    expect(socket).not.toBeNull();
    answerOnSocket(socket, 'GET', 200, { 'content-type': 'application/json', 'x-request-id': 'r-1', connection: 'keep-alive', 'content-length': '999' }, '{"commands":[],"note":"é"}');
    await client.ended;
    const [head, body] = client.received().split('\r\n\r\n');
    const lines = head!.split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 200 OK');
    expect(lines).toContain('content-type: application/json');
    expect(lines).toContain('x-request-id: r-1');
    expect(lines).toContain('Connection: close');
    expect(lines).toContain(`Content-Length: ${Buffer.byteLength('{"commands":[],"note":"é"}')}`);
    expect(lines.filter((l) => /^(connection|content-length):/i.test(l))).toHaveLength(2); // the caller's own are left out
    expect(lines.find((l) => l.startsWith('Date: '))).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(body).toBe('{"commands":[],"note":"é"}');
    await new Promise((r) => server!.close(r)); // nothing of the connection is left to wait for
    server = null;
  });

  it('sees the client close, ignores what it sends meanwhile, and treats a half-close as gone', async () => {
    const gone = await takenOver();
    const closed = once(gone.socket!, 'close');
    gone.client.socket.write(GET('/second'));
    await new Promise((r) => setTimeout(r, 20));
    gone.client.socket.destroy();
    await closed;

    const half = await takenOver();
    const halfClosed = once(half.socket!, 'close');
    half.client.socket.end();
    await halfClosed;
    await half.client.ended;
    expect(half.client.received()).toBe('');
  });

  it('writes no body for 204 or HEAD, and refuses an invalid header before writing anything', async () => {
    const a = await takenOver();
    expect(() => answerOnSocket(a.socket!, 'GET', 200, { 'x-bad': 'one\r\ntwo' }, 'body')).toThrow();
    expect(a.client.received()).toBe('');
    answerOnSocket(a.socket!, 'GET', 204, {}, undefined);
    await a.client.ended;
    expect(a.client.received()).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
    expect(a.client.received()).not.toMatch(/Content-Length/i);

    const h = await takenOver(`HEAD /wait HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    answerOnSocket(h.socket!, 'HEAD', 200, {}, 'four');
    await h.client.ended;
    expect(h.client.received()).toMatch(/\r\nContent-Length: 4\r\n\r\n$/);
  });

  it("lets go of Node's request and response", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const refs: { req: WeakRef<IncomingMessage>; res: WeakRef<ServerResponse> }[] = [];
    const sockets: (Socket | null)[] = [];
    const port = await serve((req, res) => {
      refs.push({ req: new WeakRef(req), res: new WeakRef(res) });
      setImmediate(() => sockets.push(takeOverConnection(res)));
    });
    const client = await rawClient(port);
    client.socket.write(GET('/wait'));
    while (sockets.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(sockets[0]).not.toBeNull();
    for (let i = 0; i < 5 && (refs[0]!.req.deref() || refs[0]!.res.deref()); i++) {
      await new Promise((r) => setTimeout(r, 10));
      gc();
    }
    expect(refs[0]!.req.deref()).toBeUndefined();
    expect(refs[0]!.res.deref()).toBeUndefined();
    answerOnSocket(sockets[0]!, 'GET', 200, {}, 'still answers');
    await client.ended;
    expect(client.received()).toMatch(/\r\n\r\nstill answers$/);
  });

  it('leaves a connection with another request behind this one to Node', async () => {
    const results: (Socket | null)[] = [];
    const port = await serve((req, res) => {
      if (req.url === '/first')
        setImmediate(() => {
          results.push(takeOverConnection(res));
          res.end('one');
        });
      else res.end('two');
    });
    const c = await rawClient(port);
    c.socket.write(GET('/first') + GET('/second'));
    while ((c.received().match(/\r\n\r\n(one|two)/g) ?? []).length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(results).toEqual([null]);
    c.socket.destroy();
  });

  it('closes taken-over connections on request (shutdown)', async () => {
    const { client } = await takenOver();
    const closing = new Promise((r) => server!.close(r));
    server!.closeAllConnections();
    closeReleasedConnections(server!);
    await client.ended;
    await closing;
    server = null;
  });
});
