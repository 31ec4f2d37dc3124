/** Output chunks of executions on Postgres: idempotent uploads by (stream, offset) and the assembled reads. */
import { asc } from 'drizzle-orm';
import type { AssembledOutput, Execution, ExecutionStateConflict, OutputAppend, OutputChunk, OutputConflict, OutputStream } from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import { done, NOT_FOUND, type Done, type NotFound } from '../../domain/outcomes.ts';
import { executionWhere } from '../shared/command.ts';
import { assemble, chunksWhere, outputChanges, planUpload, takesOutput, uploadRange } from '../shared/command-output.ts';
import { commandExecutions, commandOutput } from './schema.ts';
import type { PgWriter } from './transaction.ts';

export function appendOutput(
  w: PgWriter,

  tenantId: string,
  agentId: string,
  commandId: string,
  chunks: readonly OutputChunk[],
  cap: number,
  now: Date,
  effects: (before: Execution, after: Execution) => WriteEffects,
): Promise<Done<OutputAppend> | NotFound | ExecutionStateConflict | OutputConflict> {
  return w.transaction(async (tx, apply): Promise<Done<OutputAppend> | NotFound | ExecutionStateConflict | OutputConflict> => {
    const where = executionWhere(commandExecutions, tenantId, agentId, commandId);
    // The execution row's lock serialises uploads of one execution, so two cannot both store an offset.
    const [current] = await tx.select().from(commandExecutions).where(where).for('update');
    if (!current) return NOT_FOUND;
    if (!takesOutput(current)) return { kind: 'state_conflict', current };
    const stored = await tx
      .select()
      .from(commandOutput)
      .where(chunksWhere(commandOutput, current, uploadRange(chunks)));
    const plan = planUpload(current, chunks, stored, cap);
    if (plan.kind === 'conflict') return { kind: 'output_conflict', stream: plan.stream, offset: plan.offset };
    if (plan.rows.length === 0) return done({ execution: current, stored: 0, duplicates: plan.duplicates, bytesStored: 0 });
    await tx.insert(commandOutput).values(plan.rows.map((r) => ({ ...r, tenantId, agentId, commandId })));
    const [updated] = await tx
      .update(commandExecutions)
      .set(outputChanges(current, plan.added, now))
      .where(where)
      .returning();
    await apply(effects(current, updated!));
    return done({ execution: updated!, stored: plan.rows.length, duplicates: plan.duplicates, bytesStored: plan.added.stored });
  });
}

export function readOutput(w: PgWriter, tenantId: string, commandId: string, agentId: string, stream: OutputStream, fromOffset: number): Promise<AssembledOutput | null> {
  return w.pool.run(async (db) => {
    const [execution] = await db
      .select()
      .from(commandExecutions)
      .where(executionWhere(commandExecutions, tenantId, agentId, commandId))
      .limit(1);
    if (!execution) return null;
    const chunks = await db
      .select()
      .from(commandOutput)
      .where(chunksWhere(commandOutput, execution, { from: fromOffset }, stream))
      .orderBy(asc(commandOutput.offset));
    return { execution, stream, fromOffset, ...assemble(chunks, fromOffset) };
  });
}
