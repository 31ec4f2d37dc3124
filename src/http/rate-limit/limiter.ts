/**
 * Rate limits per SPEC §2: a per-IP bucket every request passes before authentication, then a bucket for the
 * operation's class (`x-rate-limit-class`) keyed by who is calling — the operator token for `operator` and
 * `admin`, the agent for `agent`, the client IP for `unauthenticated` and for callers without credentials.
 * State is in memory, per instance.
 */
import type { Context } from 'hono';
import type { OperationDescriptor, RateLimitClass } from '../../../generated/operations.ts';
import type { Config } from '../../config/types.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { Principal } from '../../services/context.ts';
import type { AppEnv } from '../env.ts';
import { problem } from '../problem.ts';
import { BucketTable, type Bucket } from './token-bucket.ts';

/** A bucket table: the per-IP one or one per operation class. */
export type LimitName = 'ip' | RateLimitClass;
export type KeyKind = 'ip' | 'token' | 'agent';

/** What the RateLimit-* headers of a response say. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  reset: number;
}

export const LIMIT_NAMES: readonly LimitName[] = ['ip', 'unauthenticated', 'agent', 'operator', 'admin'];
export const KEY_KINDS: Record<LimitName, KeyKind> = { ip: 'ip', unauthenticated: 'ip', agent: 'agent', operator: 'token', admin: 'token' };

export class RateLimiter {
  readonly config: Config['rateLimits'];
  readonly tables: Record<LimitName, BucketTable>;
  private readonly metrics: Metrics;

  constructor(config: Config['rateLimits'], metrics: Metrics, now?: () => number) {
    this.config = config;
    this.metrics = metrics;
    const limits = configuredLimits(config);
    const table = (name: LimitName) => new BucketTable({ ...limits[name], maxKeys: config.maxTrackedClients }, now);
    this.tables = { ip: table('ip'), unauthenticated: table('unauthenticated'), agent: table('agent'), operator: table('operator'), admin: table('admin') };
    for (const name of LIMIT_NAMES) metrics.rateLimitRejections.inc({ class: name }, 0);
    metrics.rateLimitTrackedClients = () => Object.fromEntries(Object.entries(this.tables).map(([name, t]) => [name, t.size]));
  }

  /** The per-IP bucket, before authentication: a 429 response, or null to go on. */
  checkIp(c: Context<AppEnv>, ipKey: string): Response | null {
    const table = this.tables.ip;
    const bucket = table.take(ipKey);
    return bucket.allowed ? null : this.reject(c, 'ip', table, bucket);
  }

  /**
   * The class bucket, after authentication: a 429 response, or null to go on (the response's RateLimit-*
   * headers are then added to the request's `responseHeaders`).
   */
  checkClass(c: Context<AppEnv>, op: OperationDescriptor, principal: Principal | null, ipKey: string): Response | null {
    const name: RateLimitClass = principal === null ? 'unauthenticated' : op.rateLimitClass;
    const table = this.tables[name];
    const bucket = table.take(name === 'unauthenticated' ? ipKey : principalKey(principal!));
    if (!bucket.allowed) return this.reject(c, name, table, bucket);
    const headers = c.get('responseHeaders');
    if (headers) Object.assign(headers, stateHeaders({ limit: table.burst, remaining: table.remaining(bucket), reset: table.resetSeconds(bucket) }));
    return null;
  }

  private reject(c: Context<AppEnv>, name: LimitName, table: BucketTable, bucket: Bucket): Response {
    this.metrics.rateLimitRejections.inc({ class: name });
    const retryAfter = table.retryAfterSeconds(bucket);
    const what = name === 'ip' ? 'requests from this address' : `${name} requests from this ${KEY_KINDS[name] === 'ip' ? 'address' : KEY_KINDS[name]}`;
    return problem(
      c,
      429,
      `too many ${what}: at most ${table.burst} at once and ${table.ratePerSec} per second; retry in ${retryAfter} s`,
      { kind: 'rate-limited' },
      {
        'retry-after': String(retryAfter),
        ...stateHeaders({ limit: table.burst, remaining: table.remaining(bucket), reset: table.resetSeconds(bucket) }),
      },
    );
  }
}

/** Rate and burst of each bucket table, from the flat config section. */
export function configuredLimits(config: Config['rateLimits']): Record<LimitName, { ratePerSec: number; burst: number }> {
  return {
    ip: { ratePerSec: config.ipRatePerSec, burst: config.ipBurst },
    unauthenticated: { ratePerSec: config.unauthenticatedRatePerSec, burst: config.unauthenticatedBurst },
    agent: { ratePerSec: config.agentRatePerSec, burst: config.agentBurst },
    operator: { ratePerSec: config.operatorRatePerSec, burst: config.operatorBurst },
    admin: { ratePerSec: config.adminRatePerSec, burst: config.adminBurst },
  };
}

function principalKey(principal: Principal): string {
  switch (principal.type) {
    case 'operator':
      return principal.tokenId;
    case 'agent':
      // Agent keys reach only class `agent` operations and operator tokens never do, so the ids cannot mix.
      return principal.agentId;
  }
}

export function stateHeaders(s: RateLimitState): Record<string, string> {
  return { 'ratelimit-limit': String(s.limit), 'ratelimit-remaining': String(s.remaining), 'ratelimit-reset': String(s.reset) };
}
