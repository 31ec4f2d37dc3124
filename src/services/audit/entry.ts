/** Builds an audit row for a mutation from the request context. Callers pass before/after already stripped of secrets. */
import type { AuditEntry } from '../../domain/audit.ts';
import { principalId, type ServiceContext } from '../context.ts';
import { newId } from '../ids.ts';

export interface AuditFacts {
  tenantId: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export function auditEntry(ctx: ServiceContext, facts: AuditFacts): AuditEntry {
  const actor = ctx.principal;
  return {
    id: newId(),
    tenantId: facts.tenantId,
    actorType: actor ? actor.type : 'system',
    actorId: actor ? principalId(actor) : null,
    action: facts.action,
    resourceType: facts.resourceType,
    resourceId: facts.resourceId,
    before: facts.before ?? null,
    after: facts.after ?? null,
    ip: ctx.ip,
    requestId: ctx.requestId,
    createdAt: ctx.now(),
  };
}

/** JSON-safe snapshot of a domain object for before/after (dates as RFC 3339). */
export function snapshot(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
