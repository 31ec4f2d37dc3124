/**
 * Every response our handlers and problem details send is built here: the request's own headers
 * (request id, RateLimit-*) merged in as a plain object, which @hono/node-server writes without building a
 * Headers object. The response and its body size are recorded on the context so that the request
 * middleware knows the headers are in and compression can skip small bodies without reading headers.
 */
import type { Context } from 'hono';

/** JSON (or a JSON-based type such as problem+json) with an explicit Content-Length. */
export function jsonResponse(c: Context, status: number, body: unknown, headers?: Record<string, string>, contentType = 'application/json'): Response {
  const text = JSON.stringify(body);
  const length = Buffer.byteLength(text);
  const all = headersFor(c, headers);
  all['content-type'] = contentType;
  all['content-length'] = String(length);
  return buildResponse(c, text, status, length, all);
}

/** A text body (CSV, …) with an explicit Content-Length. */
export function textResponse(c: Context, status: number, text: string, contentType: string, headers?: Record<string, string>): Response {
  const length = Buffer.byteLength(text);
  const all = headersFor(c, headers);
  all['content-type'] = contentType;
  all['content-length'] = String(length);
  return buildResponse(c, text, status, length, all);
}

/** A response without a body. */
export function emptyResponse(c: Context, status: number, headers?: Record<string, string>): Response {
  return buildResponse(c, null, status, 0, headersFor(c, headers));
}

/** The request's own headers plus the response's, in one new object. */
function headersFor(c: Context, headers: Record<string, string> | undefined): Record<string, string> {
  const all: Record<string, string> = { ...(c.get('responseHeaders') as Record<string, string> | undefined) };
  if (headers !== undefined) Object.assign(all, headers);
  return all;
}

function buildResponse(c: Context, text: string | null, status: number, length: number, headers: Record<string, string>): Response {
  const res = new Response(text, { status, headers });
  c.set('builtResponse', res);
  c.set('bodyLength', length);
  // Only a detached answer (see detached-answer.ts) writes the response itself: it keeps what it writes.
  c.get('detached')?.built(text, headers);
  return res;
}
