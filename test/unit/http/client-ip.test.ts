/** Client IP resolution: socket peer, trusted proxies and X-Forwarded-For, normalisation, bucket keys. */
import { describe, expect, it } from 'vitest';
import { invalidNetworks, ipBucketKey, normalizeIp, resolveClientIp, TrustedProxies } from '../../../src/http/rate-limit/client-ip.ts';

const proxies = new TrustedProxies(['10.0.0.0/8', '192.0.2.1', '2001:db8:ffff::/48']);
const none = new TrustedProxies([]);

describe('normalizeIp', () => {
  it('turns IPv4-mapped IPv6 into IPv4 and compresses IPv6', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
  });
  it('rejects what is not an address', () => {
    for (const bad of ['', 'unknown', '1.2.3', '10.0.0.1:8080', '300.1.1.1', '_hidden']) expect(normalizeIp(bad), bad).toBeNull();
  });
});

describe('resolveClientIp', () => {
  it('is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(resolveClientIp('198.51.100.7', '203.0.113.1', proxies)).toBe('198.51.100.7');
    expect(resolveClientIp('10.0.0.5', '203.0.113.1', none)).toBe('10.0.0.5');
    expect(resolveClientIp('::ffff:198.51.100.7', undefined, proxies)).toBe('198.51.100.7');
  });
  it('through trusted proxies, is the right-most forwarded address that is not a proxy', () => {
    expect(resolveClientIp('10.0.0.5', '203.0.113.1', proxies)).toBe('203.0.113.1');
    expect(resolveClientIp('::ffff:10.0.0.5', '203.0.113.1', proxies)).toBe('203.0.113.1');
    // The client made up the left-most entries; the proxies appended the rest.
    expect(resolveClientIp('10.0.0.5', '1.1.1.1, 203.0.113.1, 192.0.2.1, 10.9.9.9', proxies)).toBe('203.0.113.1');
    expect(resolveClientIp('2001:db8:ffff::1', '2001:db8:1::5', proxies)).toBe('2001:db8:1::5');
  });
  it('stops at the last trusted hop on a malformed entry, and takes the left-most when every hop is trusted', () => {
    expect(resolveClientIp('10.0.0.5', '203.0.113.1, not-an-ip', proxies)).toBe('10.0.0.5');
    expect(resolveClientIp('10.0.0.5', '203.0.113.1, not-an-ip, 10.0.0.6', proxies)).toBe('10.0.0.6');
    expect(resolveClientIp('10.0.0.5', '10.0.0.7, 10.0.0.6', proxies)).toBe('10.0.0.7');
  });
  it('is the peer when the trusted proxy sent no header, and null without a peer', () => {
    expect(resolveClientIp('10.0.0.5', undefined, proxies)).toBe('10.0.0.5');
    expect(resolveClientIp(undefined, '203.0.113.1', proxies)).toBeNull();
  });
});

describe('TrustedProxies', () => {
  it('matches addresses and ranges of both families, IPv4-mapped ranges as IPv4', () => {
    const t = new TrustedProxies(['::ffff:172.16.0.0/108', '::1', '127.0.0.1']);
    expect(t.has('172.16.4.4')).toBe(true);
    expect(t.has('172.32.0.1')).toBe(false);
    expect(t.has('::1')).toBe(true);
    expect(t.has('127.0.0.1')).toBe(true);
    expect(t.has('127.0.0.2')).toBe(false);
  });
  it('refuses entries that are not addresses or ranges', () => {
    expect(invalidNetworks(['10.0.0.0/8', '::/0', '1.2.3.4', '10.0.0.0/33', 'proxy.local', '1.2.3'])).toEqual(['10.0.0.0/33', 'proxy.local', '1.2.3']);
    expect(() => new TrustedProxies(['nope'])).toThrow(/nope/);
  });
});

describe('ipBucketKey', () => {
  it('keys IPv4 per address, IPv6 per /64, and unknown clients together', () => {
    expect(ipBucketKey('198.51.100.7')).toBe('198.51.100.7');
    expect(ipBucketKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipBucketKey('2001:db8:1:2:bbbb::2')).toBe('2001:db8:1:2::/64');
    expect(ipBucketKey(null)).toBe('unknown');
  });
});
