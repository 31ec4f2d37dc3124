/**
 * Idempotency-Key for operations marked `x-idempotent` in the contract. The first request with a key
 * claims it in the database (shared by every instance); its response is stored and replayed to repeats
 * with the same body (`Idempotent-Replayed: true`). The same key with another body is a 422; a repeat
 * while the first still runs is a 409. Server errors (5xx) release the key so the client can retry.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { OperationDescriptor } from '../../generated/operations.ts';
import type { Config } from '../config/types.ts';
import type { FeatureMetrics } from '../observability/feature-metrics.ts';
import type { Repositories } from '../repositories/types.ts';
import { principalId } from '../services/context.ts';
import type { AppEnv } from './env.ts';
import { problem, problemFor } from './problem.ts';

/** Response headers worth replaying; everything else is per-response (request id, rate limits, date). */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

export class IdempotencyGuard {
  private readonly repos: Repositories;
  private readonly config: Config['idempotency'];
  private readonly metrics: FeatureMetrics;

  constructor(repos: Repositories, config: Config['idempotency'], metrics: FeatureMetrics) {
    this.repos = repos;
    this.config = config;
    this.metrics = metrics;
  }

  /** `key`: the request's validated Idempotency-Key, if it sent one. */
  async run(c: Context<AppEnv>, op: OperationDescriptor, body: unknown, key: string | undefined, execute: () => Response | Promise<Response>): Promise<Response> {
    if (key === undefined) return execute();
    const principal = c.get('principal');
    // Keys are per caller: two callers may use the same key for different things.
    const scope = principal ? `${principal.type}:${principalId(principal)}` : `ip:${c.get('clientIp') ?? 'unknown'}`;
    const requestHash = createHash('sha256')
      .update(`${op.operationId}\n${c.req.path}\n${JSON.stringify(body ?? null)}`)
      .digest('hex');
    const now = new Date();
    const outcome = await this.repos.idempotency.claim(
      {
        scope,
        key,
        operationId: op.operationId,
        requestHash,
        lockedUntil: new Date(now.getTime() + this.config.lockTimeoutSec * 1000),
        expiresAt: new Date(now.getTime() + this.config.ttlHours * 3_600_000),
      },
      now,
    );
    switch (outcome.kind) {
      case 'replay':
        this.metrics.idempotentReplays.inc();
        return new Response(outcome.response.body || null, { status: outcome.response.status, headers: { ...outcome.response.headers, 'idempotent-replayed': 'true' } });
      case 'mismatch':
        this.metrics.idempotencyConflicts.inc({ reason: 'mismatch' });
        return problem(c, 422, `Idempotency-Key ${key} was already used with a different request`, { kind: 'idempotency-key-reused' });
      case 'in_progress':
        this.metrics.idempotencyConflicts.inc({ reason: 'in_progress' });
        return problem(c, 409, `a request with Idempotency-Key ${key} is still being processed`, { kind: 'idempotency-key-in-use' }, { 'retry-after': '1' });
      case 'claimed':
        break;
    }
    let response: Response;
    try {
      response = await execute();
    } catch (err) {
      // Errors become responses in app.onError; 4xx ones are final, so store those too.
      const mapped = problemFor(c, err);
      if (!mapped || mapped.status >= 500) {
        // With the database down the release fails too: the claim's lock then runs out by itself, and
        // the original error (a 503 when the database is unavailable) is the one answered.
        await this.repos.idempotency.release(scope, key).catch(() => undefined);
        throw err;
      }
      response = mapped;
    }
    if (response.status >= 500) {
      await this.repos.idempotency.release(scope, key);
      return response;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await this.repos.idempotency.complete(scope, key, { status: response.status, headers, body: await response.clone().text() });
    return response;
  }
}
