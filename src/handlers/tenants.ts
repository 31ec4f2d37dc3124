/** Tag `tenants`: the server's tenants (system tokens only). */
import { createTenant } from '../services/tenants/create.ts';
import { getTenant } from '../services/tenants/get.ts';
import { listTenants } from '../services/tenants/list.ts';
import { createTokenInTenant } from '../services/tokens/create-in-tenant.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage } from './presenters/page.ts';
import { presentTenant } from './presenters/tenant.ts';
import { presentToken } from './presenters/token.ts';
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
    createTenantToken: async ({ params, body }, res, ctx) => {
      const input = { tenantId: params.tenantId, name: body.name, role: body.role, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined };
      const { token, secret } = await createTokenInTenant({ ctx, input });
      return res.json(201, { token: presentToken(token), secret });
    },
  };
}
