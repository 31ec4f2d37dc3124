/** Domain objects → contract shapes (dates as RFC 3339 UTC). Secrets never pass through here. */
import type { Agent } from '../domain/agent.ts';
import type { AuditEntry } from '../domain/audit.ts';
import type { OperatorToken } from '../domain/operator-token.ts';
import type { Registration } from '../domain/registration.ts';
import { encodeCursor } from '../domain/cursor.ts';
import type { Page } from '../domain/paging.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentToken(t: OperatorToken) {
  return {
    id: t.id,
    tenantId: t.tenantId,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}

export function presentAuditEntry(e: AuditEntry) {
  return { ...e, createdAt: e.createdAt.toISOString() };
}

export function presentPage<T, R>(page: Page<T>, present: (item: T) => R): { items: R[]; nextCursor: string | null } {
  return { items: page.items.map(present), nextCursor: encodeCursor(page.lastId) };
}

export function presentAgent(a: Agent) {
  return {
    ...a,
    lastSeenAt: iso(a.lastSeenAt),
    statusReportedAt: iso(a.statusReportedAt),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function presentPendingAgent(r: Registration) {
  return { agentId: r.agentId, hostname: r.hostname, agentVersion: r.agentVersion, ipAddresses: r.ipAddresses, registeredAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString() };
}
