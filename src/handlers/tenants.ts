/** Tag `tenants`: the server's tenants (system tokens only). */
import { createTenant } from '../services/tenants/create.ts';
import { getTenant } from '../services/tenants/get.ts';
import { listTenants } from '../services/tenants/list.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters/page.ts';
import { presentTenant } from './presenters/tenant.ts';
import type { TagHandlers } from './types.ts';

export function tenantHandlers(_deps: HandlerDeps): TagHandlers<'tenants'> {
  return {
    listTenants: async ({ query }, res, ctx) => {
      const page = await listTenants({ ctx, input: query });
      return res.json(200, presentPage(page, presentTenant));
    },
    createTenant: async ({ body }, res, ctx) => {
      const tenant = await createTenant({ ctx, input: { name: body.name } });
      return res.json(201, presentTenant(tenant), { location: `/api/v1/tenants/${tenant.id}` });
    },
    getTenant: async ({ params }, res, ctx) => res.json(200, presentTenant(await getTenant({ ctx, input: { id: params.tenantId } }))),
  };
}
