/**
 * Work to run once a request's own response has gone out (or its client went away): Node's response
 * `close`, which comes after the last byte is handed to the socket, or when the connection dies first. A
 * request served in-process (`app.request()`, no Node response) runs it on the next turn of the event loop.
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

export function afterResponse(c: Context, run: () => void): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing === undefined || outgoing.closed) setImmediate(run);
  else outgoing.once('close', run);
}
