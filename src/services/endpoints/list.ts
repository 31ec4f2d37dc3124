import type { EndpointOrigin, MonitoredEndpoint } from '../../domain/endpoint.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { pageRequest, type ListInput, type ListResult } from '../paging.ts';

export async function listEndpoints({ ctx, input }: { ctx: ServiceContext; input: ListInput & { origin?: EndpointOrigin } }): Promise<ListResult<MonitoredEndpoint>> {
  const { tenantId } = requireOperator(ctx);
  return ctx.repos.endpoints.list(tenantId, { origin: input.origin }, pageRequest(input));
}
