/**
 * Console sessions: an operator token exchanged once for a cookie, so that the browser never keeps the
 * token. A session acts with its token's tenant and role, and ends when it expires, is revoked, or its
 * token is revoked or expires.
 */

export interface ConsoleSession {
  id: string;
  tenantId: string;
  /** The operator token the session was opened with; its role is the session's. */
  tokenId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A session with the hash of its cookie secret, as repositories return it: only services see this. */
export interface ConsoleSessionRecord extends ConsoleSession {
  secretHash: string;
}
