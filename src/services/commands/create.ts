import { resolveLimit, type Command, type CommandPayload, type CommandTargets, type CommandType, type Execution, type RolloutLimit } from '../../domain/command.ts';
import { auditEntry, snapshot } from '../audit/entry.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import { commandCreated, executionsFor } from './records.ts';

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
 */
export async function createCommand({ ctx, input }: { ctx: ServiceContext; input: CreateCommandInput }): Promise<{ command: Command; executions: Execution[] }> {
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
  const audit = auditEntry(ctx, { tenantId, action: 'command.create', resourceType: 'command', resourceId: command.id, after: snapshot({ ...command, agents: executions.length }) });
  await ctx.repos.commands.create(command, executions, { audit, events: [commandCreated(ctx, command, executions)] });
  ctx.log.info({ commandId: command.id, type: command.type, executions: executions.length }, 'command created');
  return { command, executions };
}
