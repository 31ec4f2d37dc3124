import type { MonitoredEndpoint } from '../../domain/endpoint.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';

/** An endpoint of the caller's tenant; other tenants' endpoints do not exist for it. */
export async function getEndpoint({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<MonitoredEndpoint> {
  const { tenantId } = requireOperator(ctx);
  const endpoint = await ctx.repos.endpoints.findById(tenantId, input.id);
  if (!endpoint) throw new NotFoundError('endpoint', input.id);
  return endpoint;
}
