/** The SDK's retry arithmetic: Retry-After in both forms, full-jitter bounds, which POSTs get an Idempotency-Key. */
import { describe, expect, it } from 'vitest';
import { backoffMs, isIdempotentPost, retryAfterMs } from '../../src/sdk/retrying-fetch.ts';

describe('SDK retries', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(' 0 ')).toBe(0);
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Tue, 01 Dec 2026 09:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffMs(0, 200, 30_000, () => 1)).toBe(200);
    expect(backoffMs(3, 200, 30_000, () => 1)).toBe(1600);
    expect(backoffMs(20, 200, 30_000, () => 1)).toBe(30_000);
    expect(backoffMs(3, 200, 30_000, () => 0)).toBe(0);
    expect(backoffMs(3, 200, 30_000, () => 0.5)).toBe(800);
  });

  it('knows the POSTs the contract marks x-idempotent', () => {
    expect(isIdempotentPost('POST', '/api/v1/sections')).toBe(true);
    expect(isIdempotentPost('POST', '/api/v1/commands')).toBe(true);
    expect(isIdempotentPost('POST', '/api/v1/tokens/introspect')).toBe(false);
    expect(isIdempotentPost('POST', '/api/v1/agent/0198f0a2-6c1e-7b3a-9f00-3c2d4e5f6a7b/heartbeat')).toBe(false);
    expect(isIdempotentPost('GET', '/api/v1/sections')).toBe(false);
  });
});
