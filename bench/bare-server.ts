/**
 * The ceiling for the benchmark: the same stack as agentry (Hono on @hono/node-server, same Node) with
 * none of its middleware, contract validation, auth or storage. What agentry reaches relative to this
 * route is the interesting number; absolute req/s depends mostly on the machine.
 *
 * Started by bench/run.ts as its own process (PORT from the environment), so it does not share an
 * event loop with the load generator or with agentry.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('bare-server: PORT must be set to a port number');
  process.exit(2);
}

const app = new Hono();
// Readiness probe for the harness, mirroring agentry's /healthz.
app.get('/healthz', (c) => c.json({ status: 'ok' }));
// Parse the JSON body and answer something derived from it, so the parse cannot be skipped.
app.post('/bare', async (c) => {
  const body = await c.req.json<Record<string, unknown>>();
  return c.json({ ok: true, n: Object.keys(body).length });
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`bare server listening on 127.0.0.1:${info.port}`);
});

const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
