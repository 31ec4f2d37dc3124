/** Column selections shared by both dialects' agent repositories (each passes its own table). */

type KeyMatchColumn = 'id' | 'tenantId' | 'status' | 'online' | 'lastSeenAt' | 'keyHash' | 'previousKeyHash' | 'previousKeyExpiresAt';

/** What agent-key authentication reads: no JSON columns, so nothing to decode on the hot path. */
export function keyMatchColumns<T extends Record<KeyMatchColumn, unknown>>(t: T): Pick<T, KeyMatchColumn> {
  return {
    id: t.id,
    tenantId: t.tenantId,
    status: t.status,
    online: t.online,
    lastSeenAt: t.lastSeenAt,
    keyHash: t.keyHash,
    previousKeyHash: t.previousKeyHash,
    previousKeyExpiresAt: t.previousKeyExpiresAt,
  };
}
