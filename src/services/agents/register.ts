/** Smotra self-registration: a pending claim keyed by the agent's own id, holding its claim-token hash. */
import type { ServiceContext } from '../context.ts';
import { ConflictError } from '../errors.ts';

export interface RegisterInput {
  agentId: string;
  claimTokenHash: string;
  hostname: string;
  agentVersion: string;
  ipAddresses: unknown[];
}

export async function registerAgent({ ctx, input, expiryHours }: { ctx: ServiceContext; input: RegisterInput; expiryHours: number }): Promise<{ created: boolean; expiresAt: Date }> {
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + expiryHours * 3_600_000);
  const agentId = input.agentId.toLowerCase();
  const outcome = await ctx.repos.registrations.register({ ...input, agentId, expiresAt }, now);
  if (outcome.kind === 'already_done') throw new ConflictError(`agent ${agentId} is already claimed; it authenticates with its key`, { kind: 'already-claimed' });
  ctx.log.info({ agentId, outcome: outcome.value }, 'agent registered for claiming');
  return { created: outcome.value === 'created', expiresAt };
}
