/**
 * Request headers by lower-case name on the hot path. Served by Node, they are read straight from the
 * IncomingMessage's parsed headers (Node's parser has already refused malformed values); otherwise
 * (in-process `app.request()`) through Hono. Hono's route reads them through a Fetch Headers wrapper that
 * re-validates the name and value on every lookup, several times per request.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  // Node joins repeated headers itself, except the few it keeps as arrays (set-cookie): join those as Fetch does.
  return typeof value === 'string' ? value : value === undefined ? undefined : value.join(', ');
}
