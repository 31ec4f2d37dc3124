/** The agent's configuration: a good document applies, a malformed one is refused and the last good one stays. */
import { describe, expect, it } from 'vitest';
import { ConfigurationState, DEFAULT_SETTINGS } from '../../src/agent/configuration.ts';

const doc = (over: Record<string, unknown> = {}) => ({
  version: 7,
  server: { heartbeat_interval_secs: 10, report_interval_secs: 20 },
  monitoring: { interval_secs: 30, timeout_secs: 2, ping_count: 3 },
  endpoints: [
    { id: 'e1', address: '127.0.0.1', port: 22, enabled: true, tags: [], check_type: 'tcpconnect', interval_secs: 5, timeout_secs: null },
    { id: 'e2', address: 'x', port: null, enabled: false, tags: [] },
  ],
  agentry: { collection_interval_secs: 15, collectors: ['cpu'], commands: { allowed_types: ['run_command'], max_output_bytes: 1, max_runtime_secs: 60 } },
  ...over,
});

describe('agent configuration', () => {
  it('applies a good document: intervals, collectors, enabled endpoints with defaults filled in', () => {
    const state = new ConfigurationState();
    expect(state.current).toEqual(DEFAULT_SETTINGS);
    expect(state.apply(doc(), '"cfg-1"')).toBe('applied');
    expect(state.current).toMatchObject({ version: 7, heartbeatSecs: 10, reportSecs: 20, collectionSecs: 15, collectors: ['cpu'], allowedCommandTypes: ['run_command'] });
    expect(state.current.endpoints).toEqual([{ id: 'e1', address: '127.0.0.1', port: 22, checkType: 'tcpconnect', intervalSecs: 5, timeoutSecs: 2 }]);
    expect(state.etag).toBe('"cfg-1"');
  });

  it.each([
    ['not an object', 'nope'],
    ['a fractional interval', doc({ server: { heartbeat_interval_secs: 1.5, report_interval_secs: 20 } })],
    ['a zero interval', doc({ agentry: { collection_interval_secs: 0, collectors: [], commands: { allowed_types: [], max_runtime_secs: 1 } } })],
    ['collectors not strings', doc({ agentry: { collection_interval_secs: 5, collectors: [1], commands: { allowed_types: [], max_runtime_secs: 1 } } })],
    ['endpoints not a list', doc({ endpoints: {} })],
  ])('refuses %s and keeps the last good one, reporting why', (_name, bad) => {
    const state = new ConfigurationState();
    state.apply(doc(), '"cfg-1"');
    const good = state.current;
    expect(state.apply(bad, '"cfg-2"')).toBe('rejected');
    expect(state.current).toBe(good);
    expect(state.error).toMatch(/must be|needs/);
    state.apply(doc({ version: 8 }), '"cfg-3"');
    expect(state.error).toBeNull();
    expect(state.current.version).toBe(8);
  });
});
