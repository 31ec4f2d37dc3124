/** Output chunks of executions on SQLite: idempotent uploads by (stream, offset) and the assembled reads. */
import { asc } from 'drizzle-orm';
import type { AssembledOutput, Execution, ExecutionStateConflict, OutputAppend, OutputChunk, OutputConflict, OutputStream } from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND, type Done, type NotFound } from '../../domain/outcomes.ts';
import { executionWhere } from '../shared/command.ts';
import { assemble, chunksWhere, outputChanges, planUpload, takesOutput, uploadRange } from '../shared/command-output.ts';
import { commandExecutions, commandOutput } from './schema.ts';
import type { SqliteWriter } from './transaction.ts';

type AppendOutcome = Done<OutputAppend> | NotFound | ExecutionStateConflict | OutputConflict;

export function appendOutput(
  w: SqliteWriter,
  tenantId: string,
  agentId: string,
  commandId: string,
  chunks: readonly OutputChunk[],
  cap: number,
  now: Date,
  effects: (before: Execution, after: Execution) => WriteEffects,
): AppendOutcome {
  return w.transaction((tx, apply): AppendOutcome => {
    const where = executionWhere(commandExecutions, tenantId, agentId, commandId);
    const current = tx.select().from(commandExecutions).where(where).get();
    if (!current) return NOT_FOUND;
    if (!takesOutput(current)) return { kind: 'state_conflict', current };
    const stored = tx
      .select()
      .from(commandOutput)
      .where(chunksWhere(commandOutput, current, uploadRange(chunks)))
      .all();
    const plan = planUpload(current, chunks, stored, cap);
    if (plan.kind === 'conflict') return { kind: 'output_conflict', stream: plan.stream, offset: plan.offset };
    if (plan.rows.length === 0) return done({ execution: current, stored: 0, duplicates: plan.duplicates, bytesStored: 0 });
    tx.insert(commandOutput)
      .values(plan.rows.map((r) => ({ ...r, tenantId, agentId, commandId })))
      .run();
    const [updated] = tx
      .update(commandExecutions)
      .set(outputChanges(current, plan.added, now))
      .where(where)
      .returning()
      .all();
    apply(effects(current, updated!));
    return done({ execution: updated!, stored: plan.rows.length, duplicates: plan.duplicates, bytesStored: plan.added.stored });
  });
}

export function readOutput(w: SqliteWriter, tenantId: string, commandId: string, agentId: string, stream: OutputStream, fromOffset: number): AssembledOutput | null {
  const execution = w.db
    .select()
    .from(commandExecutions)
    .where(executionWhere(commandExecutions, tenantId, agentId, commandId))
    .get();
  if (!execution) return null;
  const chunks = w.db
    .select()
    .from(commandOutput)
    .where(chunksWhere(commandOutput, execution, { from: fromOffset }, stream))
    .orderBy(asc(commandOutput.offset))
    .all();
  return { execution, stream, fromOffset, ...assemble(chunks, fromOffset) };
}
