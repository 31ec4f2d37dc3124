/** Fleet-wide software: which versions of a package the tenant's agents run, and which agents (paged). */
import type { QueryOf } from '../../operation-types.ts';
import type { SoftwareInstall, SoftwareVersionCount } from '../../domain/inventory.ts';
import type { Page } from '../../domain/paging.ts';
import { requireOperator, type ServiceContext } from '../context.ts';
import { pageRequest } from '../paging.ts';

export interface SoftwareUsage {
  name: string;
  versions: SoftwareVersionCount[];
  installs: Page<SoftwareInstall>;
}

export async function findSoftware({ ctx, input }: { ctx: ServiceContext; input: QueryOf<'listSoftware'> }): Promise<SoftwareUsage> {
  const { tenantId } = requireOperator(ctx);
  const filter = { name: input.name, version: input.version };
  const [versions, installs] = await Promise.all([ctx.repos.inventory.softwareVersions(tenantId, filter), ctx.repos.inventory.softwareInstalls(tenantId, filter, pageRequest(input))]);
  return { name: input.name, versions, installs };
}
