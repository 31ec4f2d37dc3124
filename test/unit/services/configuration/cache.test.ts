import { describe, expect, it } from 'vitest';
import { AgentKeyCache } from '../../../../src/services/auth/agent-key-cache.ts';
import { ConfigurationCache } from '../../../../src/services/configuration/cache.ts';
import { ConfigurationRuntime } from '../../../../src/services/configuration/runtime.ts';
import { DEFAULT_POLICY_BODY, renderDocument } from '../../../../src/services/configuration/document.ts';

const doc = renderDocument({ id: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b', name: 'a', tags: [] }, DEFAULT_POLICY_BODY, []);

describe('ConfigurationCache', () => {
  it('keeps a document until its tenant is invalidated or it expires', () => {
    const cache = new ConfigurationCache(1000);
    cache.store('a1', 't1', cache.generation('t1'), '"e"', doc, 0);
    cache.store('a2', 't2', cache.generation('t2'), '"e"', doc, 0);
    expect(cache.get('a1', 10)?.etag).toBe('"e"');
    cache.invalidateTenant('t1');
    expect(cache.get('a1', 10)).toBeUndefined();
    expect(cache.get('a2', 10)).toBeDefined();
    expect(cache.get('a2', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('refuses a compile that raced with an invalidation of its tenant', () => {
    const cache = new ConfigurationCache(1000);
    const generation = cache.generation('t1');
    cache.invalidateTenant('t1'); // a change committed while the compile was reading
    cache.store('a1', 't1', generation, '"old"', doc);
    expect(cache.get('a1')).toBeUndefined();
  });
});

describe('AgentKeyCache', () => {
  const agent = (tenantId = 't1') => ({ principal: { type: 'agent' as const, agentId: 'a1', tenantId }, online: true, lastSeenAt: null });
  const bounds = (arrive: { now: boolean }) => ({ maxAgeMs: 60_000, fallbackMs: 1_000, invalidationsArrive: () => arrive.now });

  it("drops a tenant's keys on invalidation, refuses a racing store, honours a grace period end", () => {
    const keys = new AgentKeyCache(bounds({ now: true }));
    const a = agent();
    keys.store('h1', a, keys.generation(), Infinity);
    expect(keys.get('h1')).toBe(a);
    const generation = keys.generation();
    keys.invalidateTenant('t1');
    expect(keys.get('h1')).toBeUndefined();
    keys.store('h1', a, generation, Infinity);
    expect(keys.get('h1')).toBeUndefined();
    keys.store('h2', a, keys.generation(), Date.now() - 1);
    expect(keys.get('h2')).toBeUndefined();
  });

  it("another tenant's invalidation neither drops nor refuses this tenant's keys; a full drop does both", () => {
    const keys = new AgentKeyCache(bounds({ now: true }));
    const generation = keys.generation();
    keys.invalidateTenant('t2');
    keys.store('h1', agent('t1'), generation, Infinity);
    expect(keys.get('h1')).toBeDefined();
    const before = keys.generation();
    keys.invalidateAll();
    expect(keys.get('h1')).toBeUndefined();
    keys.store('h1', agent('t1'), before, Infinity);
    expect(keys.get('h1')).toBeUndefined();
    expect(keys.size).toBe(0);
  });

  it('trusts a key for maxAgeMs while invalidations arrive, for fallbackMs while they may not', () => {
    const arrive = { now: true };
    const keys = new AgentKeyCache(bounds(arrive));
    keys.store('h1', agent(), keys.generation(), Infinity, 0);
    expect(keys.get('h1', 30_000)).toBeDefined();
    arrive.now = false;
    expect(keys.get('h1', 30_000)).toBeUndefined();
    keys.store('h1', agent(), keys.generation(), Infinity, 30_000);
    expect(keys.get('h1', 30_999)).toBeDefined();
    expect(keys.get('h1', 31_000)).toBeUndefined();
    arrive.now = true;
    keys.store('h1', agent(), keys.generation(), Infinity, 0);
    expect(keys.get('h1', 60_000)).toBeUndefined();
  });
});

describe('ConfigurationRuntime', () => {
  it('invalidates on the events configurations depend on, or when the types are unknown; not on others', () => {
    const rt = new ConfigurationRuntime({ maxAgeSec: 60, keyFallbackSec: 5, invalidationsArrive: () => true });
    const fill = () => rt.documents.store('a1', 't1', rt.documents.generation('t1'), '"e"', doc);
    fill();
    rt.observe({ tenantId: 't1', lastOffset: 1, count: 1, types: ['agent_online', 'inventory_changed'] });
    expect(rt.documents.get('a1')).toBeDefined();
    rt.observe({ tenantId: 't1', lastOffset: 2, count: 2, types: ['agent_online', 'policy_changed'] });
    expect(rt.documents.get('a1')).toBeUndefined();
    fill();
    rt.observe({ tenantId: 't1', lastOffset: 3, count: 1 });
    expect(rt.documents.get('a1')).toBeUndefined();
    fill();
    rt.observe({ tenantId: 't1', lastOffset: 4, count: 1, types: ['endpoint_updated'] });
    expect(rt.documents.get('a1')).toBeUndefined();
  });
});

describe('ConfigurationRuntime keys', () => {
  const agent = { principal: { type: 'agent' as const, agentId: 'a1', tenantId: 't1' }, online: true, lastSeenAt: null };
  it('drops keys on the events that change a key (or unknown types), not on policy or presence changes; a reconnection drops all', () => {
    const rt = new ConfigurationRuntime({ maxAgeSec: 60, keyFallbackSec: 5, invalidationsArrive: () => true });
    const fill = () => rt.keys.store('h1', agent, rt.keys.generation(), Infinity);
    fill();
    rt.observe({ tenantId: 't1', lastOffset: 1, count: 3, types: ['policy_changed', 'agent_online', 'agent_offline'] });
    expect(rt.keys.get('h1')).toBeDefined();
    for (const type of ['agent_updated', 'agent_deleted', 'agent_claimed', 'key_rotated']) {
      rt.observe({ tenantId: 't1', lastOffset: 2, count: 1, types: [type] });
      expect(rt.keys.get('h1'), type).toBeUndefined();
      fill();
    }
    rt.observe({ tenantId: 't1', lastOffset: 3, count: 1 });
    expect(rt.keys.get('h1')).toBeUndefined();
    fill();
    rt.documents.store('a1', 't1', rt.documents.generation('t1'), '"e"', doc);
    const generation = rt.documents.generation('t9');
    rt.invalidateAll();
    expect(rt.keys.get('h1')).toBeUndefined();
    expect(rt.documents.get('a1')).toBeUndefined();
    rt.documents.store('a2', 't9', generation, '"e"', doc);
    expect(rt.documents.get('a2')).toBeUndefined();
  });
});
