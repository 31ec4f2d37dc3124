/**
 * Smotra claim-status polling. Pending: `pollIn` grows 5, 10, … 30 s. After the claim, the first poll
 * gets the key — generated right then, so no plaintext key is ever stored — and later polls are pending
 * again. Concurrent polls race on an atomic conditional update: only one can deliver.
 */
import type { ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import { issueAgentKey } from './records.ts';

export type ClaimStatus = { status: 'pending_claim'; expiresAt: Date; pollIn: number } | { status: 'claimed'; apiKey: string; configUrl: string };

const pollIn = (polls: number) => Math.min(5 + polls * 5, 30);

export async function getClaimStatus({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<ClaimStatus> {
  const { agentId } = input;
  const reg = await ctx.repos.registrations.find(agentId);
  if (!reg) throw new NotFoundError('registration', agentId);
  const now = ctx.now();
  if (reg.claimedAt && !reg.keyDeliveredAt) {
    const { key, keyHash, keyPrefix } = issueAgentKey();
    if ((await ctx.repos.registrations.deliverKey(agentId, keyHash, keyPrefix, now)).kind === 'done') {
      ctx.log.info({ agentId }, 'agent key delivered');
      return { status: 'claimed', apiKey: key, configUrl: `/agent/${agentId}/configuration` };
    }
  }
  const polls = reg.claimedAt ? 0 : await ctx.repos.registrations.countPoll(agentId);
  return { status: 'pending_claim', expiresAt: reg.expiresAt, pollIn: pollIn(polls) };
}
