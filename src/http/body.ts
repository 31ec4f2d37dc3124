/**
 * Reads a JSON request body with the size cap enforced before and while reading: a declared
 * Content-Length over the cap is refused without reading; a chunked body is cut off at the cap.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ValidationError } from '../services/errors.ts';
import { requestHeader } from './headers.ts';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export async function readJsonBody(c: Context, limitBytes: number, accepted: readonly string[]): Promise<unknown> {
  const type = requestHeader(c, 'content-type') ?? '';
  if (!(type === 'application/json' || JSON_TYPE.test(type)) || !accepted.some((a) => a.includes('json'))) {
    throw new HTTPException(415, { message: `send the body as ${accepted.join(' or ')}, not ${type || 'an unlabelled body'}` });
  }
  const declared = requestHeader(c, 'content-length');
  if (declared !== undefined && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  const text = declared !== undefined ? await c.req.text() : await readLimited(c.req.raw, limitBytes);
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError('request body is not valid JSON', [{ path: 'body', message: `malformed JSON: ${(err as Error).message}` }]);
  }
}

async function readLimited(req: Request, limitBytes: number): Promise<string> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const tooLarge = (limitBytes: number) => new HTTPException(413, { message: `request body exceeds ${limitBytes} bytes` });
