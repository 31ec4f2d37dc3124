/**
 * The SDK's types come from the contract: `tsc -p .` (CI's typecheck) fails on every line marked
 * `@ts-expect-error` below if that call were accepted, so a wrong path, method, parameter or body does not
 * compile. The runtime assertions check what the types infer for a right call.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createClient, events, items, ok, ProblemError, type AgentryClient, type components } from 'agentry/client';

const api: AgentryClient = createClient({ baseUrl: 'http://127.0.0.1:1', retry: false });

// Never called: only compiled. Each marked line must be a type error.
function wrongCalls() {
  // @ts-expect-error: no such path in the contract
  void api.GET('/api/v1/nope');
  // @ts-expect-error: the path exists, but not with this method
  void api.DELETE('/api/v1/events');
  // @ts-expect-error: the path parameter agentId is required
  void api.GET('/api/v1/agents/{agentId}', {});
  // @ts-expect-error: a section's name is a string
  void api.POST('/api/v1/sections', { body: { name: 42 } });
  // @ts-expect-error: the body is required
  void api.POST('/api/v1/sections', {});
  // @ts-expect-error: the command type is an enum
  void api.POST('/api/v1/commands', { body: { type: 'reboot', payload: { cmd: 'x', timeoutSec: 1 }, targets: { agentIds: [] }, ttlSec: 60 } });
  // @ts-expect-error: limit is a number
  void api.GET('/api/v1/agents', { params: { query: { limit: 'ten' } } });
}

// The README's example, kept compiling.
async function readmeExample() {
  const api = createClient({ baseUrl: 'http://127.0.0.1:8080', token: process.env.AGENTRY_TOKEN });
  const section = await ok(api.POST('/api/v1/sections', { body: { name: 'edge' } }));
  for await (const agent of items((cursor) => api.GET('/api/v1/agents', { params: { query: { cursor, online: true } } }))) console.log(agent.id, agent.hostname);
  try {
    await ok(api.GET('/api/v1/agents/{agentId}', { params: { path: { agentId: section.id } } }));
  } catch (err) {
    if (err instanceof ProblemError && err.kind === 'not-found') console.log('no such agent');
  }
  for await (const event of events(api, { types: ['agent_online'], waitSec: 30 })) console.log(event.offset, event.type);
}

describe('agentry/client types', () => {
  it('compiles the wrong calls only as errors, and the README example', () => {
    expectTypeOf(wrongCalls).returns.toBeVoid();
    expectTypeOf(readmeExample).returns.resolves.toBeVoid();
  });

  it('infers response bodies from the contract', () => {
    // Functions, not calls: expectTypeOf only needs the types, and nothing listens on port 1.
    const list = () => ok(api.GET('/api/v1/sections'));
    const create = () => ok(api.POST('/api/v1/sections', { body: { name: 'x' } }));
    const every = () => items((cursor) => api.GET('/api/v1/agents', { params: { query: { cursor } } }));
    expectTypeOf(list).returns.resolves.toEqualTypeOf<components['schemas']['SectionPage']>();
    expectTypeOf(create).returns.resolves.toEqualTypeOf<components['schemas']['Section']>();
    expectTypeOf(every).returns.toEqualTypeOf<AsyncGenerator<components['schemas']['Agent'], void, undefined>>();
  });
});
