/** The `rateLimits` config section: defaults, flat environment overrides, trusted proxy validation. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';

describe('rateLimits config', () => {
  it('is on by default with no trusted proxies', () => {
    const { rateLimits } = loadConfig({ env: {} });
    expect(rateLimits.enabled).toBe(true);
    expect(rateLimits.trustedProxies).toEqual([]);
    expect(rateLimits.ipBurst).toBeGreaterThanOrEqual(rateLimits.ipRatePerSec);
  });

  it('takes every leaf from the environment', () => {
    const { rateLimits } = loadConfig({
      env: { AGENTRY_RATE_LIMITS_TRUSTED_PROXIES: '10.0.0.0/8, ::1', AGENTRY_RATE_LIMITS_IP_RATE_PER_SEC: '0.5', AGENTRY_RATE_LIMITS_OPERATOR_BURST: '7', AGENTRY_RATE_LIMITS_ENABLED: 'false' },
    });
    expect(rateLimits).toMatchObject({ trustedProxies: ['10.0.0.0/8', '::1'], ipRatePerSec: 0.5, operatorBurst: 7, enabled: false });
  });

  it('refuses trusted proxies that are not addresses or ranges, naming the key and the variable', () => {
    expect(() => loadConfig({ env: { AGENTRY_RATE_LIMITS_TRUSTED_PROXIES: '10.0.0.0/8,lb.internal' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { AGENTRY_RATE_LIMITS_TRUSTED_PROXIES: '10.0.0.0/40' } })).toThrow(
      /rateLimits\.trustedProxies: not an IP address or CIDR range: 10\.0\.0\.0\/40 \(from AGENTRY_RATE_LIMITS_TRUSTED_PROXIES\)/,
    );
  });

  it('refuses a zero rate or burst', () => {
    expect(() => loadConfig({ env: { AGENTRY_RATE_LIMITS_ADMIN_RATE_PER_SEC: '0' } })).toThrow(/rateLimits\.adminRatePerSec/);
    expect(() => loadConfig({ env: { AGENTRY_RATE_LIMITS_ADMIN_BURST: '0' } })).toThrow(/rateLimits\.adminBurst/);
  });
});
