/** Repository port for commands and their executions. Implementations: sqlite/commands.ts, postgres/commands.ts (and the files beside them). */
import type {
  AssembledOutput,
  Command,
  CommandAck,
  OutputAppend,
  OutputChunk,
  OutputConflict,
  OutputStream,
  CommandFilter,
  CommandTargets,
  CommandWithCounts,
  DeliveredCommand,
  Execution,
  ExecutionState,
  ExecutionStateConflict,
  PollWork,
  TargetResolution,
} from '../../domain/command.ts';
import type { WriteEffects } from '../../domain/event.ts';
import type { Done, NotFound } from '../../domain/outcomes.ts';
import type { Page, PageRequest } from '../../domain/paging.ts';

export interface CommandRepository {
  /** The tenant's active agents the targets select; ids (or a section) not in the tenant come back as `unknown`. */
  resolveTargets(tenantId: string, targets: CommandTargets): Promise<TargetResolution>;
  /** Inserts the command and its executions, with the effects, in one transaction. */
  create(command: Command, executions: Execution[], effects: WriteEffects): Promise<void>;
  findById(tenantId: string, id: string): Promise<CommandWithCounts | null>;
  /** Newest first (by id). */
  list(tenantId: string, filter: CommandFilter, page: PageRequest): Promise<Page<CommandWithCounts>>;
  /** By agent id; the cursor is the last agent id. */
  listExecutions(tenantId: string, commandId: string, state: ExecutionState | undefined, page: PageRequest): Promise<Page<Execution>>;
  /**
   * Moves up to `perAgent` releasable executions of each of the agents (pending, `notBefore` reached, not
   * expired, allowed by their command's rollout limits, taken in order) to delivered, in one transaction, and
   * answers them per agent with their commands. An execution is released by one call only, however many run
   * at once (here or on another instance). `effects` describes what the released executions publish,
   * written in the same transaction.
   */
  deliver(tenantId: string, agentIds: readonly string[], now: Date, perAgent: number, effects: (released: Execution[]) => WriteEffects): Promise<Map<string, DeliveredCommand[]>>;
  /**
   * When the ack takes the command's errors past its `maxErrors`, its pending executions are cancelled
   * (reason `max_errors`) in the same transaction and given to `effects` as `stopped`.
   * Moves the agent's delivered or running execution to the ack's final state. The same final state again
   * is `done` with `changed: false`; another one, or an execution in no state to be acked, is a conflict.
   */
  ack(
    tenantId: string,
    agentId: string,
    commandId: string,
    ack: CommandAck,
    now: Date,
    effects: (updated: Execution, stopped: Execution[], slotFreed: boolean) => WriteEffects,
  ): Promise<Done<{ execution: Execution; changed: boolean }> | NotFound | ExecutionStateConflict>;
  /**
   * Stores the chunks of the agent's execution by (stream, offset): repeats are counted as duplicates,
   * chunks past `cap` stored bytes are counted but not kept (truncated), and the first output moves a
   * delivered execution to running. A chunk overlapping stored bytes with different ones rejects the
   * whole upload. `effects` is told the execution before and after, and written in the same transaction.
   */
  appendOutput(
    tenantId: string,
    agentId: string,
    commandId: string,
    chunks: readonly OutputChunk[],
    cap: number,
    now: Date,
    effects: (before: Execution, after: Execution) => WriteEffects,
  ): Promise<Done<OutputAppend> | NotFound | ExecutionStateConflict | OutputConflict>;
  /** The contiguous output of one stream of the execution from `fromOffset`, or null when there is no such execution in the tenant. */
  readOutput(tenantId: string, commandId: string, agentId: string, stream: OutputStream, fromOffset: number): Promise<AssembledOutput | null>;
  /**
   * Cancels a command of the tenant: pending executions become cancelled, delivered and running ones are
   * flagged `cancelRequested`. `effects` is told the executions changed (none when there was nothing left to cancel).
   */
  cancel(tenantId: string, commandId: string, now: Date, effects: (changed: Execution[]) => WriteEffects): Promise<Done<Execution[]> | NotFound>;
  /**
   * Agents of the tenant with an execution a poll would release now (rollout limits aside) or a cancel
   * request, and when the next deferred execution becomes due (to wake their parked polls then).
   */
  pollWork(tenantId: string, now: Date): Promise<PollWork>;
  /** Per agent (absent when none): ids of its commands that were cancelled after delivery and have not finished, in id order. */
  cancelRequests(tenantId: string, agentIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Executions of every tenant per state (a metric read once per scrape); states without executions are absent. */
  countByState(): Promise<{ state: ExecutionState; n: number }[]>;
  /** Moves up to `limit` pending or delivered executions (any tenant) whose TTL passed by `now` to expired. */
  expire(now: Date, limit: number, effects: (expired: Execution) => WriteEffects): Promise<Execution[]>;
}
