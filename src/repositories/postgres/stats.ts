import { eq } from 'drizzle-orm';
import type { TenantSummary } from '../../domain/stats.ts';
import type { StatsRepository } from '../ports/stats.ts';
import { agentTallyColumns, toTenantSummary } from '../shared/stats.ts';
import type { PgPool } from './db.ts';
import { agents, eventOffsets, tenants } from './schema.ts';

export class PgStatsRepository implements StatsRepository {
  private readonly pool: PgPool;

  constructor(pool: PgPool) {
    this.pool = pool;
  }

  async tenantSummaries(): Promise<TenantSummary[]> {
    const rows = await this.pool.run((db) => {
      const tally = db.select(agentTallyColumns(agents)).from(agents).groupBy(agents.tenantId).as('tally');
      return db
        .select({ tenantId: tenants.id, name: tenants.name, online: tally.online, offline: tally.offline, revoked: tally.revoked, lastSeq: eventOffsets.lastSeq })
        .from(tenants)
        .leftJoin(tally, eq(tally.tenantId, tenants.id))
        .leftJoin(eventOffsets, eq(eventOffsets.tenantId, tenants.id))
        .orderBy(tenants.id);
    });
    return rows.map(toTenantSummary);
  }
}
