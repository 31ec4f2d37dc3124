/** Per-state execution counts of commands on Postgres, read by deliveries, acks and command reads. */
import { sql } from 'drizzle-orm';
import type { Command, CommandWithCounts } from '../../domain/command.ts';
import { countsWhere, withCounts } from '../shared/command.ts';
import type { PgDb } from './db.ts';
import { commandExecutions } from './schema.ts';
import type { PgTx } from './transaction.ts';

/** Executions per command and state, read with `db` (the pool's, or a transaction's). */
export function countRows(db: Pick<PgTx, 'select'>, tenantId: string, commandIds: string[]) {
  const x = commandExecutions;
  return db
    .select({ commandId: x.commandId, state: x.state, n: sql<number>`count(*)::int` })
    .from(x)
    .where(countsWhere(x, tenantId, commandIds))
    .groupBy(x.commandId, x.state);
}

/** The commands with their per-state counts. */
export async function counted(db: PgDb, tenantId: string, list: Command[]): Promise<CommandWithCounts[]> {
  if (list.length === 0) return [];
  return withCounts(
    list,
    await countRows(
      db,
      tenantId,
      list.map((c) => c.id),
    ),
  );
}
