/** Every operation passes the rate limiter, so every operation must declare its 429 and the headers it carries. */
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/http/contract.ts';

// biome-ignore lint/suspicious/noExplicitAny: the dereferenced OpenAPI document is walked freely; its shape is checked by the assertions.
type Obj = Record<string, any>;
const definition = (await loadContract()).backend.definition as Obj; // dereferenced
const operations = Object.values(definition.paths as Obj).flatMap((item: Obj) => Object.values(item).filter((op): op is Obj => typeof op === 'object' && op !== null && 'operationId' in op));

describe('rate limits in the contract', () => {
  it.each(operations.map((op) => [op.operationId as string, op] as const))('%s declares 429 with Retry-After and RateLimit-*', (_id, op) => {
    expect(op['x-rate-limit-class'], 'x-rate-limit-class').toMatch(/^(agent|operator|admin|unauthenticated)$/);
    const tooMany = op.responses['429'];
    expect(tooMany, '429 response').toBeDefined();
    expect(Object.keys(tooMany.headers ?? {}).sort()).toEqual(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After']);
  });
});
