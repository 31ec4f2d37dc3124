/** Query parts of the system summary shared by both dialects (each passes its own tables). */
import { sql, type Column, type SQL } from 'drizzle-orm';
import type { TenantSummary } from '../../domain/stats.ts';

/**
 * Per-tenant agent tallies, to group by tenant: sums of 0/1 cases, which both dialects evaluate alike
 * (SQLite keeps booleans as 0/1). Postgres answers sums as bigint strings, hence the mapping in `toTenantSummary`.
 */
export function agentTallyColumns<T extends Record<'tenantId' | 'status' | 'online', Column>>(a: T): Pick<T, 'tenantId'> & Record<'online' | 'offline' | 'revoked', SQL.Aliased<number | string>> {
  return {
    tenantId: a.tenantId,
    online: sql<number | string>`sum(case when ${a.status} = 'active' and ${a.online} then 1 else 0 end)`.as('online'),
    offline: sql<number | string>`sum(case when ${a.status} = 'active' and not ${a.online} then 1 else 0 end)`.as('offline'),
    revoked: sql<number | string>`sum(case when ${a.status} = 'revoked' then 1 else 0 end)`.as('revoked'),
  };
}

export interface TenantSummaryRow {
  tenantId: string;
  name: string;
  online: number | string | null;
  offline: number | string | null;
  revoked: number | string | null;
  lastSeq: number | null;
}

/** A tenant without agents or events has no tally or offset row: zeros. */
export function toTenantSummary(r: TenantSummaryRow): TenantSummary {
  return {
    tenantId: r.tenantId,
    name: r.name,
    agents: { online: Number(r.online ?? 0), offline: Number(r.offline ?? 0), revoked: Number(r.revoked ?? 0) },
    eventsPublished: r.lastSeq ?? 0,
  };
}
