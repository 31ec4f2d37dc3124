/** The console's one-line summary of a check result, for each Smotra check type, from the shapes agents send. */
import { describe, expect, it } from 'vitest';
import { resultSummary } from '../../../src/console/pages/endpoints/result-summary.ts';
import { variants } from '../../factories/results.ts';

describe('resultSummary', () => {
  it('says what each check type saw, errors last', () => {
    expect(resultSummary('ping', variants.ping([3, 4]).result)).toBe('2 of 2 probes answered · 192.0.2.1');
    expect(resultSummary('ping', variants.ping([3], 2).result)).toBe('1 of 3 probes answered · 192.0.2.1 · Ping timeout');
    expect(resultSummary('ping', variants.pingDown().result)).toBe('0 of 1 probes answered · Failed to resolve address: nxdomain');
    expect(resultSummary('traceroute', variants.traceroute(false, null).result)).toBe('2 hops · target not reached');
    expect(resultSummary('traceroute', { ...variants.traceroute(true, 9).result, errors: ['hop 3 timed out'] })).toBe('2 hops · target reached · hop 3 timed out');
    expect(resultSummary('tcpconnect', variants.tcpconnect(false, null).result)).toBe('192.0.2.1 · connection refused');
    expect(resultSummary('udpconnect', variants.udpconnect(true, 2).result)).toBe('192.0.2.1');
    expect(resultSummary('httpget', variants.httpget(false, 30).result)).toBe('HTTP 503');
    expect(resultSummary('httpget', { success: false, status_code: null, error: 'tls handshake failed' })).toBe('tls handshake failed');
    expect(resultSummary('plugin', variants.plugin(true, 1).result)).toBe('dns');
  });

  it('skips fields that are missing or of another type instead of failing', () => {
    expect(resultSummary('ping', {})).toBe('');
    expect(resultSummary('traceroute', { hops: 'many', errors: [1, 'x'] })).toBe('x');
    expect(resultSummary('httpget', { status_code: '200', error: '' })).toBe('');
    expect(resultSummary('plugin', { error_details: { errors: ['boom'] } })).toBe('boom');
  });
});
