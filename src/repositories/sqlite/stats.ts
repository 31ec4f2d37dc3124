import { eq } from 'drizzle-orm';
import type { TenantSummary } from '../../domain/stats.ts';
import type { StatsRepository } from '../ports/stats.ts';
import { agentTallyColumns, toTenantSummary } from '../shared/stats.ts';
import type { SqliteDb } from './db.ts';
import { agents, eventOffsets, tenants } from './schema.ts';

export class SqliteStatsRepository implements StatsRepository {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  async tenantSummaries(): Promise<TenantSummary[]> {
    const tally = this.db.select(agentTallyColumns(agents)).from(agents).groupBy(agents.tenantId).as('tally');
    const rows = this.db
      .select({ tenantId: tenants.id, name: tenants.name, online: tally.online, offline: tally.offline, revoked: tally.revoked, lastSeq: eventOffsets.lastSeq })
      .from(tenants)
      .leftJoin(tally, eq(tally.tenantId, tenants.id))
      .leftJoin(eventOffsets, eq(eventOffsets.tenantId, tenants.id))
      .orderBy(tenants.id)
      .all();
    return rows.map(toTenantSummary);
  }
}
