/**
 * What `GET /api/v1/admin/rate-limits` shows: the limits in force and the busiest clients of this
 * instance — by rejections and by requests in their current counting window. Keys are client IPs (IPv6 per
 * /64), operator token ids or agent ids; never secrets.
 */
import type { Config } from '../../config/types.ts';
import { configuredLimits, KEY_KINDS, LIMIT_NAMES, type KeyKind, type LimitName, type RateLimiter } from './limiter.ts';
import { COUNT_WINDOW_MS, type Bucket, type BucketTable } from './token-bucket.ts';

export interface LimitReport {
  class: LimitName;
  keyKind: KeyKind;
  ratePerSec: number;
  burst: number;
  trackedClients: number;
}

export interface ClientReport {
  class: LimitName;
  keyKind: KeyKind;
  key: string;
  tokensLeft: number;
  requests: number;
  rejections: number;
  windowStartedAt: string;
  lastSeenAt: string;
}

export interface RateLimitReport {
  enabled: boolean;
  trustedProxies: string[];
  maxTrackedClients: number;
  windowSeconds: number;
  limits: LimitReport[];
  topByRejections: ClientReport[];
  topByRequests: ClientReport[];
}

interface Candidate {
  name: LimitName;
  table: BucketTable;
  bucket: Bucket;
}

export function rateLimitReport(config: Config['rateLimits'], limiter: RateLimiter | null, top: number): RateLimitReport {
  const configured = configuredLimits(config);
  const limits = LIMIT_NAMES.map((name) => ({ class: name, keyKind: KEY_KINDS[name], ...configured[name], trackedClients: limiter?.tables[name].size ?? 0 }));
  const byRejections = new Top(
    top,
    (b) => b.rejections,
    (b) => b.requests,
  );
  const byRequests = new Top(
    top,
    (b) => b.requests,
    (b) => b.rejections,
  );
  const wallNow = Date.now();
  let clockNow = 0;
  if (limiter) {
    for (const name of LIMIT_NAMES) {
      const table = limiter.tables[name];
      clockNow = table.clock();
      for (const bucket of table.recent(clockNow)) {
        if (bucket.rejections > 0) byRejections.offer({ name, table, bucket });
        byRequests.offer({ name, table, bucket });
      }
    }
  }
  const present = ({ name, table, bucket }: Candidate): ClientReport => ({
    class: name,
    keyKind: KEY_KINDS[name],
    key: bucket.key,
    tokensLeft: Math.floor(table.tokensNow(bucket, clockNow)),
    requests: bucket.requests,
    rejections: bucket.rejections,
    windowStartedAt: new Date(wallNow - (clockNow - bucket.windowStart)).toISOString(),
    lastSeenAt: new Date(wallNow - (clockNow - bucket.updatedAt)).toISOString(),
  });
  return {
    enabled: config.enabled,
    trustedProxies: config.trustedProxies,
    maxTrackedClients: config.maxTrackedClients,
    windowSeconds: COUNT_WINDOW_MS / 1000,
    limits,
    topByRejections: byRejections.items.map(present),
    topByRequests: byRequests.items.map(present),
  };
}

/** The `n` best candidates by score (ties: by the second score), best first; O(log n) search per offer. */
class Top {
  readonly items: Candidate[] = [];
  private readonly n: number;
  private readonly score: (b: Bucket) => number;
  private readonly tie: (b: Bucket) => number;

  constructor(n: number, score: (b: Bucket) => number, tie: (b: Bucket) => number) {
    this.n = n;
    this.score = score;
    this.tie = tie;
  }

  offer(c: Candidate): void {
    const items = this.items;
    if (items.length === this.n && !this.better(c, items[items.length - 1]!)) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(c, items[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    items.splice(lo, 0, c);
    if (items.length > this.n) items.pop();
  }

  private better(a: Candidate, b: Candidate): boolean {
    const d = this.score(a.bucket) - this.score(b.bucket);
    return d > 0 || (d === 0 && this.tie(a.bucket) > this.tie(b.bucket));
  }
}
