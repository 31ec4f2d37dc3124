/**
 * Commands: what operators ask agents to run (SPEC §3), and their executions, one per target agent. An
 * execution moves pending → delivered (taken by one poll) → running → succeeded | failed | timed_out, or
 * ends expired (TTL passed undelivered), cancelled, or skipped (the agent cannot run the type).
 */
import type { CommandType } from './policy.ts';

export type { CommandType } from './policy.ts';
export const COMMAND_TYPES = ['run_command', 'update_agent', 'update_package', 'rotate_key'] as const satisfies readonly CommandType[];

export const EXECUTION_STATES = ['pending', 'delivered', 'running', 'succeeded', 'failed', 'timed_out', 'expired', 'cancelled', 'skipped'] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];
export type FinalAckState = 'succeeded' | 'failed' | 'timed_out';

export interface RunCommandPayload {
  cmd: string;
  args?: string[];
  shell?: boolean;
  timeoutSec: number;
  env?: { [name: string]: string };
  workingDir?: string;
}
export interface UpdateAgentPayload {
  version: string;
  url: string;
  sha256: string;
}
export interface UpdatePackagePayload {
  name: string;
  action: 'install' | 'remove' | 'upgrade';
  version?: string;
}
/** `rotate_key` carries nothing: the agent asks the server for its new key itself. */
export type RotateKeyPayload = Record<string, never>;
export type CommandPayload = RunCommandPayload | UpdateAgentPayload | UpdatePackagePayload | RotateKeyPayload;

/** Exactly one selector (the contract enforces it). */
export interface CommandTargets {
  agentIds?: string[];
  sectionId?: string;
  tags?: string[];
}

export interface Command {
  id: string;
  tenantId: string;
  type: CommandType;
  payload: CommandPayload;
  targets: CommandTargets;
  ttlSec: number;
  notBefore: Date | null;
  /** `notBefore` (or creation) + `ttlSec`: executions still pending then expire. */
  expiresAt: Date;
  /** Rollout: most executions delivered or running at once; null: no limit. */
  maxConcurrency: number | null;
  /** Rollout: once more executions than this failed or timed out, the rest are cancelled; null: no limit. */
  maxErrors: number | null;
  /** The operator token that created it. */
  createdBy: string | null;
  createdAt: Date;
}

export interface Execution {
  commandId: string;
  tenantId: string;
  agentId: string;
  state: ExecutionState;
  /** Why it was skipped, cancelled or expired. */
  reason: string | null;
  exitCode: number | null;
  error: string | null;
  /** Copied from the command so that a poll's conditional update needs no join. */
  notBefore: Date | null;
  expiresAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Bytes the agent reported (the furthest offset of each stream), stored or not. */
  outputBytes: number;
  /** Bytes stored, at most the output cap. */
  storedBytes: number;
  /** Output past the cap was counted but not stored. */
  truncated: boolean;
  /** Cancelled after delivery: the agent's next poll or output upload tells it to stop. */
  cancelRequested: boolean;
  updatedAt: Date;
}

export type ExecutionCounts = Record<ExecutionState, number>;

export interface CommandWithCounts extends Command {
  counts: ExecutionCounts;
}

/** A target agent as submit sees it (hostname, name and presence for a preview of the targets). */
export interface TargetAgent {
  id: string;
  hostname: string;
  name: string;
  online: boolean;
  capabilities: readonly string[];
}

/** What resolving targets found: the agents, or the ids/section that are not in the tenant. */
export type TargetResolution = { kind: 'resolved'; agents: TargetAgent[] } | { kind: 'unknown'; ids: string[] };

export interface CommandFilter {
  status?: ExecutionState;
  type?: CommandType;
  agentId?: string;
  createdBy?: string;
}

/** What a tenant's parked polls may be woken for: agents with work now, and when the next deferred execution becomes due. */
export interface PollWork {
  /** Agents with an execution a poll would release now (rollout limits aside) or a cancel request. */
  agentIds: string[];
  /** The earliest `notBefore` still ahead of `now` among pending, unexpired executions; null when none. */
  nextDueAt: Date | null;
}

/** An execution released to an agent's poll, with what the agent needs to run it. */
export interface DeliveredCommand {
  command: Command;
  execution: Execution;
}

export interface CommandAck {
  status: FinalAckState;
  exitCode: number | null;
  startedAt: Date;
  finishedAt: Date;
  error: string | null;
}

/** A rollout limit as sent: a number, or a percentage such as `"10%"`. */
export type RolloutLimit = number | string;

/** Why pending executions are cancelled when the error threshold is crossed. */
export const MAX_ERRORS_REASON = 'max_errors';

/**
 * Resolves a rollout limit against the number of executions that will run: percentages of concurrency
 * round up (at least 1, so the rollout progresses), percentages of errors round down (10% of 5 is 0:
 * the first failure stops it).
 */
export function resolveLimit(limit: RolloutLimit | undefined, runnable: number, kind: 'concurrency' | 'errors'): number | null {
  if (limit === undefined) return null;
  if (typeof limit === 'number') return limit;
  const share = (runnable * Number(limit.slice(0, -1))) / 100;
  return kind === 'concurrency' ? Math.max(1, Math.ceil(share)) : Math.floor(share);
}

/** Errors are failures and time-outs. */
export function isError(state: ExecutionState): boolean {
  return state === 'failed' || state === 'timed_out';
}

export function emptyCounts(): ExecutionCounts {
  return { pending: 0, delivered: 0, running: 0, succeeded: 0, failed: 0, timed_out: 0, expired: 0, cancelled: 0, skipped: 0 };
}

/**
 * Whether the command's pending executions may be released as soon as it is stored: no `notBefore` ahead of
 * its creation and no concurrency limit (a limited command's releases are counted under a lock).
 */
export function releasesAtOnce(command: Pick<Command, 'maxConcurrency' | 'notBefore' | 'createdAt'>): boolean {
  return command.maxConcurrency === null && (command.notBefore === null || command.notBefore <= command.createdAt);
}

/** Whether the agent declared it can run commands of this type. */
export function canRun(agent: Pick<TargetAgent, 'capabilities'>, type: CommandType): boolean {
  return agent.capabilities.includes(type);
}

/** An ack that names another final state than the one stored, or an execution that cannot be acked now. */
export interface ExecutionStateConflict {
  kind: 'state_conflict';
  current: Execution;
}

export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;
export type OutputStream = (typeof OUTPUT_STREAMS)[number];

/** A piece of an execution's output: `data` starts at byte `offset` (UTF-8) of its stream. */
export interface OutputChunk {
  stream: OutputStream;
  offset: number;
  data: string;
}

/** A chunk as stored, with its length in bytes; `dropped` ones were past the cap: counted, their data not kept. */
export interface StoredChunk extends OutputChunk {
  length: number;
  dropped: boolean;
}

/** Contiguous output of one stream from an offset, up to the first gap (a chunk not yet received, or dropped by the cap). */
export interface AssembledOutput {
  execution: Execution;
  stream: OutputStream;
  fromOffset: number;
  data: string;
  nextOffset: number;
}

/** What an output upload did: how many chunks were new, how many repeated stored ones, and the execution after it. */
export interface OutputAppend {
  execution: Execution;
  stored: number;
  duplicates: number;
  /** Bytes this upload added to what is stored. */
  bytesStored: number;
}

/** A chunk overlaps stored bytes of its stream with different bytes: nothing of the upload was stored. */
export interface OutputConflict {
  kind: 'output_conflict';
  stream: OutputStream;
  offset: number;
}
