/**
 * The route is the request edge: a handler gets the validated input (only the header parameters its
 * operation declares, by lower-case name) and the service context built for the request, and is not
 * called at all when the input does not match the contract.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { HandlerInput } from '../../../src/handlers/types.ts';
import type { ServiceContext } from '../../../src/services/context.ts';
import { createTestApp } from '../../helpers/app.ts';

const SECTION_ID = '01a207a2-0000-7000-8000-000000000001';
const seen: { input: HandlerInput<'deleteSection'>; ctx: ServiceContext }[] = [];
const t = await createTestApp({
  handlerOverrides: {
    deleteSection: (input, res, ctx) => {
      seen.push({ input, ctx });
      return res.empty(204);
    },
  },
});
afterAll(() => t.close());

const del = (headers: Record<string, string>) => t.request(`/api/v1/sections/${SECTION_ID}`, { method: 'DELETE', headers: { ...t.auth(t.adminToken), ...headers } });

describe('request edge', () => {
  it('hands the handler its path, its declared headers only, and the request service context', async () => {
    seen.length = 0;
    const res = await del({ 'If-Match': '"3"', 'x-request-id': 'edge-test-1', 'x-unrelated': 'no' });
    expect(res.status).toBe(204);
    expect(seen).toHaveLength(1);
    const { input, ctx } = seen[0]!;
    expect(input.params).toEqual({ sectionId: SECTION_ID });
    expect(input.headers).toEqual({ 'if-match': '"3"' });
    expect(ctx.requestId).toBe('edge-test-1');
    expect(ctx.principal).toMatchObject({ type: 'operator', role: 'system' });
  });

  it('leaves absent headers out', async () => {
    seen.length = 0;
    expect((await del({})).status).toBe(204);
    expect(seen[0]!.input.headers).toEqual({});
  });

  it('does not call the handler when a declared header breaks the contract', async () => {
    seen.length = 0;
    const res = await del({ 'If-Match': `"${'1'.repeat(300)}"` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('header/if-match');
    expect(seen).toHaveLength(0);
  });
});
