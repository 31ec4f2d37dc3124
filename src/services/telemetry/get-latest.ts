/** The latest value of each metric (and label set) an agent reported. */
import type { LatestSample } from '../../domain/telemetry.ts';
import { getAgent } from '../agents/get.ts';
import type { ServiceContext } from '../context.ts';

export async function getLatestTelemetry({ ctx, input }: { ctx: ServiceContext; input: { agentId: string } }): Promise<LatestSample[]> {
  const { tenantId } = await getAgent({ ctx, input });
  return ctx.repos.telemetry.latest(tenantId, input.agentId);
}
