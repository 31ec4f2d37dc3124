import type { TenantSummary } from '../../domain/stats.ts';

/** Whole-system tallies for the system administrator (never scoped to one tenant: the caller sees them all). */
export interface StatsRepository {
  /** Every tenant, oldest first, with its agents by state and its last event offset, in one query. */
  tenantSummaries(): Promise<TenantSummary[]>;
}
