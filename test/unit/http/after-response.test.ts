import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { afterResponse } from '../../../src/http/after-response.ts';

describe('afterResponse', () => {
  it('runs once the response has gone out on a Node server', async () => {
    const seen: { finished: boolean }[] = [];
    const app = new Hono<{ Bindings: { outgoing: ServerResponse } }>();
    app.get('/', (c) => {
      afterResponse(c, () => seen.push({ finished: c.env.outgoing.writableFinished }));
      return c.text('x'.repeat(1_000_000));
    });
    const server = createServer(getRequestListener(app.fetch));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect((await res.text()).length).toBe(1_000_000);
      for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual([{ finished: true }]);
    } finally {
      server.close();
    }
  });

  it('runs on the next turn of the event loop in-process (no Node response)', async () => {
    const ran: string[] = [];
    const app = new Hono();
    app.get('/', (c) => {
      afterResponse(c, () => ran.push('after'));
      return c.text('ok');
    });
    await app.request('/');
    expect(ran).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['after']);
  });
});
