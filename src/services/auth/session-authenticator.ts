/**
 * Verifies console session cookies. A session acts as its operator token: the token is read on every
 * request (no cache), so that revoking either the session or the token ends it at once on every instance,
 * and the role is always the token's. Sessions are used by one person's browser, not by fleets of
 * scripts, so the extra lookup costs little.
 */
import type { Repositories } from '../../repositories/types.ts';
import type { OperatorPrincipal } from '../context.ts';
import { UnauthorizedError } from '../errors.ts';
import { hashSecret, looksLikeSecret, sameHash } from '../secrets.ts';

export class SessionAuthenticator {
  private readonly repos: Repositories;
  private readonly lastUsedWriteIntervalMs: number;
  private readonly now: () => number;
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(repos: Repositories, options: { lastUsedWriteIntervalMs: number }, now: () => number = Date.now) {
    this.repos = repos;
    this.lastUsedWriteIntervalMs = options.lastUsedWriteIntervalMs;
    this.now = now;
  }

  async authenticate(secret: string): Promise<OperatorPrincipal> {
    if (!looksLikeSecret(secret, 'ses')) throw new UnauthorizedError('unknown console session; sign in again');
    const hash = hashSecret(secret);
    const session = await this.repos.consoleSessions.findByHash(hash);
    if (!session || !sameHash(session.secretHash, hash)) throw new UnauthorizedError('unknown console session; sign in again');
    const now = this.now();
    if (session.revokedAt) throw new UnauthorizedError('console session revoked; sign in again');
    if (session.expiresAt.getTime() <= now) throw new UnauthorizedError('console session expired; sign in again');
    const token = await this.repos.operatorTokens.findById(session.tenantId, session.tokenId);
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= now)) {
      throw new UnauthorizedError("the console session's token is revoked or expired; sign in again");
    }
    this.noteUse(session.id, now);
    return { type: 'operator', tokenId: token.id, tenantId: token.tenantId, role: token.role, name: token.name, sessionId: session.id };
  }

  /** Records `lastUsedAt` at most once per interval per session, off the request path. */
  private noteUse(sessionId: string, now: number): void {
    const last = this.lastUsedWritten.get(sessionId);
    if (last !== undefined && now - last < this.lastUsedWriteIntervalMs) return;
    this.lastUsedWritten.set(sessionId, now);
    if (this.lastUsedWritten.size > 10_000) this.lastUsedWritten.delete(this.lastUsedWritten.keys().next().value!);
    this.repos.consoleSessions.touchLastUsed(sessionId, new Date(now)).catch(() => this.lastUsedWritten.delete(sessionId));
  }
}
