/** Tag `tenants`: the server's tenants (system tokens only). */
import { createTenant } from '../services/tenants/create.ts';
import { getTenant } from '../services/tenants/get.ts';
import { listTenants } from '../services/tenants/list.ts';
import { createTokenInTenant } from '../services/tokens/create-in-tenant.ts';
import { serviceContext } from './context.ts';
import type { HandlerDeps } from './deps.ts';
import { presentPage, presentToken } from './presenters.ts';
import { presentTenant } from './tenancy-presenters.ts';
import type { HandlerMap } from './types.ts';

export function tenantHandlers({ repos }: HandlerDeps): Pick<HandlerMap, 'listTenants' | 'createTenant' | 'getTenant' | 'createTenantToken'> {
  return {
    listTenants: async (c, { query }, res) => {
      const page = await listTenants({ ctx: serviceContext(c, repos), input: query });
      return res.json(200, presentPage(page, presentTenant));
    },
    createTenant: async (c, { body }, res) => {
      const tenant = await createTenant({ ctx: serviceContext(c, repos), input: { name: body.name } });
      return res.json(201, presentTenant(tenant), { location: `/api/v1/tenants/${tenant.id}` });
    },
    getTenant: async (c, { params }, res) => res.json(200, presentTenant(await getTenant({ ctx: serviceContext(c, repos), input: { id: params.tenantId } }))),
    createTenantToken: async (c, { params, body }, res) => {
      const input = { tenantId: params.tenantId, name: body.name, role: body.role, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined };
      const { token, secret } = await createTokenInTenant({ ctx: serviceContext(c, repos), input });
      return res.json(201, { token: presentToken(token), secret });
    },
  };
}
