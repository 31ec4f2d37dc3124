/** Per-state execution counts of commands on SQLite, read by deliveries, acks and command reads. */
import { sql } from 'drizzle-orm';
import type { Command, CommandWithCounts, ExecutionState } from '../../domain/command.ts';
import { countsWhere, withCounts } from '../shared/command.ts';
import { commandExecutions } from './schema.ts';
import type { SqliteTx } from './transaction.ts';

/** Executions per command and state, read with `db` (the writer's, or a transaction's). */
export function countRows(db: Pick<SqliteTx, 'select'>, tenantId: string, commandIds: string[]): { commandId: string; state: ExecutionState; n: number }[] {
  const x = commandExecutions;
  return db
    .select({ commandId: x.commandId, state: x.state, n: sql<number>`count(*)` })
    .from(x)
    .where(countsWhere(x, tenantId, commandIds))
    .groupBy(x.commandId, x.state)
    .all();
}

/** The commands with their per-state counts. */
export function counted(db: Pick<SqliteTx, 'select'>, tenantId: string, list: Command[]): CommandWithCounts[] {
  if (list.length === 0) return [];
  return withCounts(
    list,
    countRows(
      db,
      tenantId,
      list.map((c) => c.id),
    ),
  );
}
