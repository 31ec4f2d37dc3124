/**
 * Response conformance: every response a test sees through the helpers is checked against the contract —
 * the status must be declared for the operation, the content type must be one it declares, and the body
 * must validate against the declared schema (JSON Schema 2020-12, formats on).
 */
import { gunzipSync } from 'node:zlib';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { operationTable, type OperationDescriptor } from '../../generated/operations.ts';
import { loadContract } from '../../src/http/contract.ts';

// biome-ignore lint/suspicious/noExplicitAny: the dereferenced OpenAPI document is walked freely; its shape is checked by the assertions.
type Obj = Record<string, any>;

const contract = await loadContract();
const definition = contract.backend.definition as Obj; // dereferenced by openapi-backend
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const cache = new Map<string, ValidateFunction>();
const problemSchema = (definition.components.schemas as Obj).Problem;

const matchers = (operationTable as readonly OperationDescriptor[]).map((op) => ({
  op,
  regex: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

export function findOperation(method: string, path: string): OperationDescriptor | undefined {
  return matchers.find((m) => m.op.method === method.toUpperCase() && m.regex.test(path))?.op;
}

function validatorFor(key: string, schema: object): ValidateFunction {
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile(schema);
    cache.set(key, v);
  }
  return v;
}

/** Returns what is wrong with a response, or an empty list. */
export function responseProblems(method: string, path: string, status: number, contentType: string | null, body: string): string[] {
  const op = findOperation(method, path);
  const type = (contentType ?? '').split(';')[0]!.trim();
  if (!op) {
    // Unrouted requests (404/405) answer with a problem document.
    if (type !== 'application/problem+json') return [`${method} ${path} is not in the contract and did not answer problem+json (${status} ${type})`];
    return check(`unrouted`, problemSchema, body);
  }
  const responses = definition.paths[op.path][op.method.toLowerCase()].responses as Obj;
  const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (!declared) return [`${op.operationId}: status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})`];
  const content = declared.content as Obj | undefined;
  if (!content) return body.length === 0 ? [] : [`${op.operationId} ${status}: declared without a body but answered ${body.length} bytes`];
  const media = content[type];
  if (!media) return [`${op.operationId} ${status}: content type ${type || '(none)'} is not declared (${Object.keys(content).join(', ')})`];
  if (!type.includes('json')) return [];
  return check(`${op.operationId}:${status}:${type}`, media.schema, body);
}

function check(key: string, schema: object, body: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return [`${key}: body is not JSON: ${body.slice(0, 200)}`];
  }
  const validate = validatorFor(key, schema);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${key}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Throws when the response does not match the contract. Consumes a clone, so the caller can still read it. */
export async function assertResponseMatchesContract(method: string, url: string, res: Response): Promise<void> {
  const path = new URL(url, 'http://x').pathname;
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    // An endless stream: check status and type only.
    const problems = responseProblems(method, path, res.status, res.headers.get('content-type'), '');
    if (problems.length > 0) throw new Error(`response does not match the contract:\n  ${problems.join('\n  ')}`);
    return;
  }
  let body = Buffer.from(await res.clone().arrayBuffer());
  // app.request() hands back the bytes as sent; fetch() has already decoded them.
  if (res.headers.get('content-encoding') === 'gzip' && body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
  const problems = responseProblems(method, path, res.status, res.headers.get('content-type'), body.toString('utf8'));
  if (problems.length > 0) throw new Error(`response does not match the contract:\n  ${problems.join('\n  ')}`);
}
