/** Smotra self-registration: a pending claim keyed by the agent's own id, holding its claim-token hash. */
import type { BodyOf } from '../../operation-types.ts';
import type { ServiceContext } from '../context.ts';
import { ConflictError } from '../errors.ts';

export type RegisterInput = BodyOf<'registerAgent'>;

export async function registerAgent({ ctx, input, expiryHours }: { ctx: ServiceContext; input: RegisterInput; expiryHours: number }): Promise<{ agentId: string; created: boolean; expiresAt: Date }> {
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + expiryHours * 3_600_000);
  const { agentId } = input;
  const outcome = await ctx.repos.registrations.register(
    { agentId, claimTokenHash: input.claimTokenHash, hostname: input.hostname, agentVersion: input.agentVersion, ipAddresses: input.ipAddresses, expiresAt },
    now,
  );
  if (outcome.kind === 'already_done') throw new ConflictError(`agent ${agentId} is already claimed; it authenticates with its key`, { kind: 'already-claimed' });
  ctx.log.info({ agentId, outcome: outcome.value }, 'agent registered for claiming');
  return { agentId, created: outcome.value === 'created', expiresAt };
}
