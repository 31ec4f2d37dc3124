/**
 * Releasing Node's HTTP parser of a parked request (src/http/parked-connection.ts), on a real `node:http`
 * server and real sockets: the answer still arrives (with `Connection: close`), a client that goes is still
 * seen, the server keeps serving new connections and closes cleanly, and a request that is not alone on its
 * connection keeps its parser.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeReleasedConnections, releaseParser } from '../../../src/http/parked-connection.ts';

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
