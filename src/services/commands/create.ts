import { releasesAtOnce, resolveLimit, type Command, type CommandPayload, type CommandTargets, type CommandType, type Execution, type RolloutLimit } from '../../domain/command.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ReservedPoll } from './parked-polls.ts';
import { commandCreated, executionsFor, executionUpdated, pendingAgents } from './records.ts';

/** The polls parked on this instance, which a submit may answer itself (CommandWakeups). */
export interface ParkedPollsOfTenant {
  reserve(tenantId: string, agentIds: readonly string[]): Map<string, ReservedPoll>;
}

export interface CreateCommandInput {
  type: CommandType;
  payload: CommandPayload;
  targets: CommandTargets;
  ttlSec: number;
  notBefore?: string;
  rollout?: { maxConcurrency?: RolloutLimit; maxErrors?: RolloutLimit };
}

/**
 * Sends a command: resolves the targets in the caller's tenant and stores the command with one execution
 * per agent (skipped when the agent cannot run the type), in one transaction. Ids or a section of another
 * tenant are not found; targets selecting no agent are invalid. Nothing is stored in either case.
 *
 * A command that may go out at once (no `notBefore` ahead, no concurrency limit) to agents whose poll is
 * parked on this instance is handed to those polls by the submit itself: their executions are stored
 * already delivered (with their `command_execution_updated` events) in the command's own commit, and the
 * polls are answered right after it. A poll then waits for one commit, not for the commit, a wake-up and a
 * delivery transaction of its own. The polls are taken out of the wake-ups first, so no delivery can give
 * them anything else meanwhile, and get nothing (they look for themselves) when the commit fails. A
 * fan-out to more than HANDOVERS_PER_TURN of them is handed over through `afterAnswer` (once the submit's
 * own 201 has gone out): thousands of answers, and the agents' next polls that follow, would otherwise
 * hold the 201 up for seconds.
 */
export async function createCommand({
  ctx,
  input,
  parked,
  afterAnswer,
}: {
  ctx: ServiceContext;
  input: CreateCommandInput;
  parked?: ParkedPollsOfTenant;
  /** Runs its argument once the submit's answer has gone out; absent, a large hand-over starts at once. */
  afterAnswer?: (run: () => void) => void;
}): Promise<{ command: Command; executions: Execution[] }> {
  const principal = requireOperator(ctx);
  const { tenantId } = principal;
  const resolution = await ctx.repos.commands.resolveTargets(tenantId, input.targets);
  if (resolution.kind === 'unknown') throw new NotFoundError(input.targets.sectionId ? 'section' : 'agent', resolution.ids.join(', '));
  if (resolution.agents.length === 0) throw new ValidationError('the targets select no agent', [{ path: 'body/targets', message: 'no active agent of the tenant matches' }]);
  const now = ctx.now();
  const notBefore = input.notBefore === undefined ? null : new Date(input.notBefore);
  const start = notBefore && notBefore > now ? notBefore : now;
  const runnable = resolution.agents.filter((a) => a.capabilities.includes(input.type)).length;
  const command: Command = {
    id: newId(),
    tenantId,
    type: input.type,
    payload: input.payload,
    targets: input.targets,
    ttlSec: input.ttlSec,
    notBefore,
    expiresAt: new Date(start.getTime() + input.ttlSec * 1000),
    maxConcurrency: resolveLimit(input.rollout?.maxConcurrency, runnable, 'concurrency'),
    maxErrors: resolveLimit(input.rollout?.maxErrors, runnable, 'errors'),
    createdBy: principal.tokenId,
    createdAt: now,
  };
  const executions = executionsFor(command, resolution.agents);
  const reserved = releasesAtOnce(command) && parked ? parked.reserve(tenantId, pendingAgents(executions)) : new Map<string, ReservedPoll>();
  const handed = executions.filter((e) => reserved.has(e.agentId));
  for (const e of handed) Object.assign(e, { state: 'delivered', deliveredAt: now, updatedAt: now });
  const audit = auditEntry(ctx, { tenantId, action: 'command.create', resourceType: 'command', resourceId: command.id, after: snapshot({ ...command, agents: executions.length }) });
  try {
    await ctx.repos.commands.create(command, executions, { audit, events: [commandCreated(ctx, command, executions), ...handed.map((e) => executionUpdated(ctx, e))] });
  } catch (err) {
    for (const poll of reserved.values()) poll.giveBack();
    throw err;
  }
  const answers = handed.map((e) => ({ poll: reserved.get(e.agentId)!, execution: { ...e } }));
  if (answers.length > HANDOVERS_PER_TURN && afterAnswer) afterAnswer(() => handOver(answers, command));
  else handOver(answers, command);
  ctx.log.info({ commandId: command.id, type: command.type, executions: executions.length, handedToParkedPolls: handed.length }, 'command created');
  return { command, executions };
}

/** Polls answered per turn of the event loop: a fan-out to thousands of parked agents lets other requests in between. */
export const HANDOVERS_PER_TURN = 500;

function handOver(handed: { poll: ReservedPoll; execution: Execution }[], command: Command, from = 0): void {
  const to = Math.min(handed.length, from + HANDOVERS_PER_TURN);
  for (let i = from; i < to; i++) handed[i]!.poll.handOver({ delivered: [{ command, execution: handed[i]!.execution }], cancel: [] });
  if (to < handed.length) setImmediate(() => handOver(handed, command, to));
}
