import { describe, expect, it } from 'vitest';
import type { PolicyBody } from '../../../../src/domain/policy.ts';
import { canonicalJson, contentHash, DEFAULT_POLICY_BODY, diffDocuments, etagOfDocument, matchesEtag, renderDocument } from '../../../../src/services/configuration/document.ts';
import { mergeOrder, mergePolicies, type MergeablePolicy } from '../../../../src/services/configuration/merge.ts';

let seq = 0;
const policy = (scope: MergeablePolicy['scope'], priority: number, body: PolicyBody, name = `${scope}-${priority}`): MergeablePolicy => ({
  id: `00000000-0000-7000-8000-${String(++seq).padStart(12, '0')}`,
  name,
  scope,
  target: scope === 'tenant' ? null : 'x',
  priority,
  body,
});

describe('merge order', () => {
  it('applies tenant → section → tag → agent, ascending priority within a scope, ties by id', () => {
    const a = policy('agent', 0, {});
    const t1 = policy('tenant', 900, {});
    const s = policy('section', 5, {});
    const g2 = policy('tag', 50, {});
    const g1 = policy('tag', 10, {});
    const t0 = policy('tenant', 900, {});
    expect(mergeOrder([a, t0, g2, s, t1, g1]).map((p) => p.id)).toEqual([t1, t0, s, g1, g2, a].map((p) => p.id));
  });

  it('a later scope wins over any priority of an earlier one; a higher priority wins within a scope', () => {
    const r = mergePolicies({}, [
      policy('agent', 0, { heartbeatIntervalSecs: 40 }),
      policy('tenant', 1000, { heartbeatIntervalSecs: 10, reportIntervalSecs: 11 }),
      policy('tag', 20, { reportIntervalSecs: 30 }),
      policy('tag', 10, { reportIntervalSecs: 20 }),
    ]);
    expect(r.body).toEqual({ heartbeatIntervalSecs: 40, reportIntervalSecs: 30 });
  });
});

describe('deep merge', () => {
  it('merges objects key by key and replaces arrays and scalars', () => {
    const r = mergePolicies(DEFAULT_POLICY_BODY, [
      policy('tenant', 0, { monitoring: { intervalSecs: 30 }, collectors: ['cpu', 'memory'], settings: { a: { b: 1, c: 2 } } }),
      policy('section', 0, { monitoring: { pingCount: 7 }, collectors: ['disk'], settings: { a: { c: 3 }, list: [1, 2] } }),
      policy('agent', 0, { settings: { list: [3] } }),
    ]);
    expect(r.body.monitoring).toEqual({ ...DEFAULT_POLICY_BODY.monitoring, intervalSecs: 30, pingCount: 7 });
    expect(r.body.collectors).toEqual(['disk']);
    expect(r.body.settings).toEqual({ a: { b: 1, c: 3 }, list: [3] });
  });

  it('does not modify its inputs', () => {
    const body: PolicyBody = { settings: { a: { b: 1 } } };
    const before = structuredClone(body);
    const r = mergePolicies(DEFAULT_POLICY_BODY, [policy('tenant', 0, body), policy('agent', 0, { settings: { a: { c: 2 } } })]);
    expect(body).toEqual(before);
    expect(DEFAULT_POLICY_BODY.settings).toEqual({});
    expect(r.body.settings).toEqual({ a: { b: 1, c: 2 } });
  });

  it('a scalar replacing an object (and back) replaces the whole subtree', () => {
    const r = mergePolicies({}, [policy('tenant', 0, { settings: { a: { b: 1 } } }), policy('tag', 0, { settings: { a: 5 } }), policy('agent', 0, { settings: { a: { c: 1 } } })]);
    expect(r.body.settings).toEqual({ a: { c: 1 } });
    const entry = r.provenance.find((e) => e.path === 'settings.a.c')!;
    expect(entry.overridden.map((o) => o.value)).toEqual([5, 1]);
  });
});

describe('provenance', () => {
  it('names the policy that set each leaf and the values it overrode, most recent first', () => {
    const t = policy('tenant', 0, { monitoring: { intervalSecs: 30 } }, 'fleet');
    const s = policy('section', 3, { monitoring: { intervalSecs: 20 } }, 'berlin');
    const r = mergePolicies(DEFAULT_POLICY_BODY, [s, t]);
    const e = r.provenance.find((p) => p.path === 'monitoring.intervalSecs')!;
    expect(e.value).toBe(20);
    expect(e.source).toMatchObject({ kind: 'policy', policyId: s.id, name: 'berlin', scope: 'section', target: 'x', priority: 3 });
    expect(e.overridden).toEqual([
      { value: 30, source: expect.objectContaining({ policyId: t.id, scope: 'tenant' }) },
      { value: 60, source: expect.objectContaining({ kind: 'default' }) },
    ]);
    const untouched = r.provenance.find((p) => p.path === 'monitoring.pingCount')!;
    expect(untouched).toMatchObject({ value: 3, source: { kind: 'default' }, overridden: [] });
    expect(r.applied.map((a) => a.policyId)).toEqual([t.id, s.id]);
  });
});

describe('content hash', () => {
  const agent = { id: '0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b', name: 'a', tags: ['x'] };
  it('does not depend on key order and changes with the content', () => {
    expect(contentHash({ a: 1, b: { c: [1, 2], d: null } })).toBe(contentHash({ b: { d: null, c: [1, 2] }, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(canonicalJson({ b: 1, a: [{ y: 1, x: 2 }] })).toBe('{"a":[{"x":2,"y":1}],"b":1}');
  });

  it('gives the same document, version and ETag for the same merge, whatever the order of the policies', () => {
    const p1 = policy('tenant', 0, { settings: { z: 1, a: 2 } });
    const p2 = policy('agent', 0, { monitoring: { intervalSecs: 5 } });
    const d1 = renderDocument(agent, mergePolicies(DEFAULT_POLICY_BODY, [p1, p2]).body, []);
    const d2 = renderDocument(agent, mergePolicies(DEFAULT_POLICY_BODY, [p2, p1]).body, []);
    expect(d1).toEqual(d2);
    expect(etagOfDocument(d1)).toMatch(/^"cfg-[0-9a-f]{32}"$/);
    expect(Number.isSafeInteger(d1.version)).toBe(true);
    const d3 = renderDocument(agent, mergePolicies(DEFAULT_POLICY_BODY, [p1]).body, []);
    expect(d3.config_hash).not.toBe(d1.config_hash);
    expect(d3.version).not.toBe(d1.version);
  });

  it('renders the Smotra AgentConfig shape with every required field', () => {
    const d = renderDocument(agent, DEFAULT_POLICY_BODY, []);
    expect(Object.keys(d.monitoring).sort()).toEqual(['interval_secs', 'max_concurrent', 'ping_count', 'timeout_secs', 'traceroute_max_hops', 'traceroute_on_failure']);
    expect(d.server).toMatchObject({ url: null, api_key: null, verify_tls: true, retry_attempts: 3 });
    expect(d.self_upgrade).toEqual({ enabled: false, github_repo_url: 'https://github.com/smotra-monitoring/agent', check_interval_secs: 3600 });
    expect(d.storage).toEqual({ cache_dir: './cache', max_cached_results: 10000, max_cache_age_secs: 86400 });
  });
});

describe('ETag matching and diff', () => {
  it('matches lists, weak tags and *', () => {
    expect(matchesEtag('"a", W/"b"', '"b"')).toBe(true);
    expect(matchesEtag('*', '"b"')).toBe(true);
    expect(matchesEtag('"a"', '"b"')).toBe(false);
    expect(matchesEtag(undefined, '"b"')).toBe(false);
  });

  it('lists changed leaves by path', () => {
    expect(diffDocuments({ a: { b: 1, c: [1] }, d: 1 }, { a: { b: 2, c: [1] }, e: 1 })).toEqual([
      { path: 'a.b', change: 'changed', before: 1, after: 2 },
      { path: 'd', change: 'removed', before: 1 },
      { path: 'e', change: 'added', after: 1 },
    ]);
  });
});
