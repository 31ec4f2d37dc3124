/**
 * Verifies operator bearer tokens. The secret is hashed (SHA-256) and looked up by hash; the stored hash is
 * compared again in constant time. Verified tokens are cached briefly so the hot path costs one hash and a
 * map lookup; revocation on this instance evicts at once, other instances within `cacheTtlMs`. A cache hit
 * answers synchronously (no promise), which is what nearly every operator request is.
 */
import type { Logger } from '../../observability/logger.ts';
import type { OperatorTokenRecord } from '../../domain/operator-token.ts';
import type { Repositories } from '../../repositories/types.ts';
import type { OperatorPrincipal } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';
import { hashSecret, looksLikeSecret, sameHash } from '../secrets.ts';

interface CacheEntry {
  record: OperatorTokenRecord;
  cachedUntil: number;
}

const MAX_CACHE_ENTRIES = 10_000;

export class OperatorAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastUsedWritten = new Map<string, number>();

  private readonly repos: Repositories;
  private readonly log: Logger;
  private readonly options: { cacheTtlMs: number; lastUsedWriteIntervalMs: number };
  private readonly now: () => number;

  constructor(repos: Repositories, log: Logger, options: { cacheTtlMs: number; lastUsedWriteIntervalMs: number }, now: () => number = Date.now) {
    this.repos = repos;
    this.log = log;
    this.options = options;
    this.now = now;
  }

  authenticate(secret: string): OperatorPrincipal | Promise<OperatorPrincipal> {
    const found = this.lookup(secret);
    return found instanceof Promise ? found.then((record) => this.admit(record)) : this.admit(found);
  }

  private admit(found: OperatorTokenRecord | null): OperatorPrincipal {
    if (!found) throw new UnauthorizedError('unknown operator token');
    const now = this.now();
    if (found.revokedAt) throw new UnauthorizedError('operator token revoked');
    if (found.expiresAt && found.expiresAt.getTime() <= now) throw new UnauthorizedError('operator token expired');
    this.noteUse(found.id, now);
    return { type: 'operator', tokenId: found.id, tenantId: found.tenantId, role: found.role, name: found.name };
  }

  /** The token a secret belongs to (revoked and expired ones included), or null; from the cache when there. */
  lookup(secret: string): OperatorTokenRecord | null | Promise<OperatorTokenRecord | null> {
    if (!looksLikeSecret(secret, 'opk')) return null;
    const hash = hashSecret(secret);
    const now = this.now();
    const entry = this.cache.get(hash);
    if (entry && entry.cachedUntil > now) return entry.record;
    return this.load(hash, now);
  }

  private async load(hash: string, now: number): Promise<OperatorTokenRecord | null> {
    const record = await this.repos.operatorTokens.findByHash(hash);
    if (!record || !sameHash(record.secretHash, hash)) {
      this.cache.delete(hash);
      return null;
    }
    if (this.options.cacheTtlMs > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, { record, cachedUntil: now + this.options.cacheTtlMs });
    }
    return record;
  }

  /** Drops a token from the cache (after revocation). */
  invalidate(tokenId: string): void {
    for (const [hash, entry] of this.cache) if (entry.record.id === tokenId) this.cache.delete(hash);
  }

  /** Records `lastUsedAt` at most once per interval per token, off the request path. */
  private noteUse(tokenId: string, now: number): void {
    const last = this.lastUsedWritten.get(tokenId) ?? 0;
    if (now - last < this.options.lastUsedWriteIntervalMs) return;
    this.lastUsedWritten.set(tokenId, now);
    this.repos.operatorTokens.touchLastUsed(tokenId, new Date(now)).catch((err: unknown) => {
      this.log.warn({ err, tokenId }, 'could not record token use');
    });
  }
}
