import type { QueryOf } from '../../operation-types.ts';
import type { EnrollmentSecret } from '../../domain/enrollment-secret.ts';
import { publicEnrollmentSecret } from '../../domain/secrets.ts';
import { requirePrincipal, type ServiceContext } from '../context.ts';
import { pageRequest, type ListResult } from '../paging.ts';

export async function listEnrollSecrets({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listEnrollSecrets'> }): Promise<ListResult<EnrollmentSecret>> {
  const principal = requirePrincipal(ctx);
  const page = await ctx.repos.enrollmentSecrets.list(principal.tenantId, pageRequest(input), input.includeRevoked ?? false);
  return { ...page, items: page.items.map(publicEnrollmentSecret) };
}
